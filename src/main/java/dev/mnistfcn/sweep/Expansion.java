package dev.mnistfcn.sweep;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/** Parameters → trials: every combination (grid), or seeded random draws. */
final class Expansion {
    /** Sampled real numbers keep this many significant digits: a readable config, the same value everywhere. */
    private static final MathContext DIGITS = new MathContext(3);

    private Expansion() {
    }

    /** Every combination, the last parameter varying fastest (as nested loops in the file's order). */
    static List<Trial> grid(List<Parameter> parameters) {
        List<Map<String, String>> combos = new ArrayList<>();
        combos.add(new LinkedHashMap<>());
        for (Parameter p : parameters) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> c : combos) {
                for (String v : p.values()) {
                    Map<String, String> m = new LinkedHashMap<>(c);
                    m.put(p.key(), v);
                    next.add(m);
                }
            }
            combos = next;
        }
        return named(combos);
    }

    /**
     * {@code count} trials drawn with {@code java.util.Random(seed)}, parameter by parameter in the file's order:
     * the same file draws the same trials on any machine and JVM (Random's sequence is specified).
     */
    static List<Trial> random(List<Parameter> parameters, int count, long seed) {
        Random rng = new Random(seed);
        List<Map<String, String>> combos = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            Map<String, String> m = new LinkedHashMap<>();
            for (Parameter p : parameters) m.put(p.key(), draw(p, rng));
            combos.add(m);
        }
        return named(combos);
    }

    private static String draw(Parameter p, Random rng) {
        Parameter.Range r = p.range();
        if (r == null) return p.values().get(rng.nextInt(p.values().size()));
        return switch (r.kind()) {
            case "int" -> Long.toString((long) r.lo() + (long) Math.floor(rng.nextDouble() * ((long) r.hi() - (long) r.lo() + 1)));
            case "uniform" -> real(r.lo() + rng.nextDouble() * (r.hi() - r.lo()));
            case "log_uniform" -> real(Math.exp(Math.log(r.lo()) + rng.nextDouble() * (Math.log(r.hi()) - Math.log(r.lo()))));
            default -> throw new IllegalArgumentException(r.kind());
        };
    }

    private static String real(double v) {
        return new BigDecimal(v).round(DIGITS).stripTrailingZeros().toString();
    }

    /** {@code t01}, {@code t02}, … (as many digits as the count needs, at least two: folders sort in order). */
    private static List<Trial> named(List<Map<String, String>> combos) {
        int width = Math.max(2, String.valueOf(combos.size()).length());
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < combos.size(); i++) {
            trials.add(new Trial(String.format(Locale.ROOT, "t%0" + width + "d", i + 1), combos.get(i)));
        }
        return trials;
    }
}
