package dev.mnistfcn.cli;

import dev.mnistfcn.UserError;
import dev.mnistfcn.config.HomeFolder;
import dev.mnistfcn.config.Overrides;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * System properties that stand for command-line options under {@code mvn exec:java} ({@code -Dquick},
 * {@code -Dseeds}), checked like config keys: a value that is not accepted is an error naming the property,
 * where {@code Boolean.getBoolean} and {@code Integer.getInteger} would quietly read it as false or the default.
 * Read in {@code call()}, not in field initialisers, so that a bad value is reported as a user error.
 */
final class CliProperties {
    private CliProperties() {
    }

    /**
     * {@code -Dname=true} or {@code false}; {@code -Dname} alone (an empty value, as {@code java -Dquick} gives)
     * means true, as it does for Maven's own {@code -Dflag}. Absent: false.
     */
    static boolean flag(String name) {
        return flag(name, "--" + name);
    }

    /** As above; {@code instead} is what the error offers in its place ({@code --quick}, the serve command). */
    static boolean flag(String name, String instead) {
        String v = System.getProperty(name);
        if (v == null || v.equals("false")) return false;
        if (v.isEmpty() || v.equals("true")) return true;
        throw new UserError("-D" + name + " has value '" + v + "', which is not accepted. Expected true or false "
                + "(-D" + name + " alone means true; or use " + instead + ").");
    }

    /**
     * The option's value if it was given ({@code --name N}), else {@code -Dname=N}, else {@code fallback};
     * either must be a whole number ≥ {@code min}, written in decimal digits ({@code 012} is twelve).
     *
     * @param meaning what the number counts, for the error message
     */
    static int wholeNumber(String name, Integer option, int min, int fallback, String meaning) {
        return wholeNumber(name, option, min, Integer.MAX_VALUE, fallback, meaning);
    }

    /** As above, at most {@code max}. */
    static int wholeNumber(String name, Integer option, int min, int max, int fallback, String meaning) {
        String range = String.format(Locale.ROOT, "a whole number from %d to %,d written with the digits 0-9 (%s)", min,
                max, meaning);
        String expected = max == Integer.MAX_VALUE ? "a whole number ≥ " + min + " written with the digits 0-9 ("
                + meaning + ")" : range;
        if (option != null) {
            if (option < min || option > max) throw notAccepted("--" + name, String.valueOf(option), expected);
            return option;
        }
        String v = System.getProperty(name);
        if (v == null) return fallback;
        if (!v.matches("-?[0-9]+")) throw notAccepted("-D" + name, v, expected);
        BigInteger n = new BigInteger(v);
        if (n.compareTo(BigInteger.valueOf(min)) < 0) throw notAccepted("-D" + name, v, expected);
        if (n.compareTo(BigInteger.valueOf(max)) > 0) throw notAccepted("-D" + name, v, range);
        return n.intValue();
    }

    /**
     * {@code -Dname=PATH}, else {@code fallback} (may be null): a leading {@code ~} or {@code ~/} is the home folder,
     * as a shell would read it; bash leaves a tilde after {@code -Dname=} as it is.
     */
    static String path(String name, String fallback) {
        String v = System.getProperty(name, fallback);
        return v == null ? null : HomeFolder.expanded(v);
    }

    /**
     * {@code -Dname=A,B,…} (else {@code fallback}, which may be null) as its items, each stripped of the spaces around
     * it ({@code -Dcompare="one-layer.yaml, two-layer.yaml"}), empty ones left out; an empty list where neither is given.
     */
    static List<String> list(String name, String fallback) {
        String v = System.getProperty(name, fallback);
        return v == null ? List.of() : Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** The properties read here and by the commands, besides config keys (which have dots): {@code -Dconfig=…}. */
    static final List<String> NAMES = List.of("config", "name", "seed", "quick", "resume", "verbose", "model", "predict",
            "serve", "port", "host", "runs", "compare", "seeds", "engines", "out", "sweep", "workers", "threads",
            "walkthrough");
    /** The dotted ones ({@code -Dinput.scale=0..255}, {@code -Dsweep.engine=spark}), not config keys. */
    static final List<String> DOTTED_NAMES = List.of("input.scale", "sweep.engine", "sweep.name", "sweep.master");

    /**
     * A property one letter away from one of {@link #NAMES} ({@code -Dconfg}, {@code -Dmodle}): it was ignored without
     * a word, and the command fell back to training two-layer, twice over a user's finished run, which the second
     * fresh start deleted. Names further away are left alone: Maven, Surefire and the JVM set their own.
     */
    static void refuseMisspelled() {
        for (String key : System.getProperties().stringPropertyNames()) {
            int dot = key.indexOf('.');
            if (dot > 0) {
                refuseNear(key, DOTTED_NAMES); // -Dinput.scal=0..255 evaluated at 0..1, unsaid (a review)
                refuseMisspelledSection(key, key.substring(0, dot));
                continue;
            }
            if (NAMES.contains(key)) continue;
            refuseNear(key, NAMES);
            refuseKeyWithoutSection(key);
        }
    }

    /** {@code key} one letter away from one of {@code names} (and not one of them): the one meant. */
    private static void refuseNear(String key, List<String> names) {
        if (names.contains(key)) return;
        for (String known : names) {
            if (known.length() >= 4 && edits(key, known) <= 1) {
                throw new UserError("-D" + key + " is not a property mnist-fcn reads; did you mean -D" + known
                        + "? (It reads " + String.join(", ", java.util.stream.Stream.concat(NAMES.stream(),
                        DOTTED_NAMES.stream()).map(n -> "-D" + n).toList()) + " and config keys by their dotted path, "
                        + "e.g. -Dtraining.epochs=5.)");
            }
        }
    }

    /** -Depochs=1 was no override either: the run trained the file's 20 epochs, and the next one moved it aside. */
    private static void refuseKeyWithoutSection(String key) {
        String leaf = key.toLowerCase(Locale.ROOT).replace('-', '_');
        String sections = String.join(", ", Overrides.SECTIONS.stream().sorted().toList());
        if (Overrides.SECTIONS.contains(leaf)) { // -Doutput: a section, not model.output (the number of classes)
            throw new UserError("-D" + key + " names a config section, not a key: override its keys by their dotted "
                    + "path (e.g. -Doutput.dir=DIR, -Dtraining.epochs=5; sections: " + sections + ").");
        }
        List<String> keys = Overrides.keysNamed(leaf).stream().filter(k -> k.contains(".")).toList();
        if (!keys.isEmpty()) {
            throw new UserError("-D" + key + " is not a property mnist-fcn reads; did you mean -D" + String.join(" or -D",
                    keys) + "? (Config keys are overridden by their dotted path, under " + sections + ".)");
        }
    }

    /**
     * A config key whose section is one letter off ({@code -Dtrainig.epochs=1}) was not an override, so the run went
     * on with the file's 20 epochs, a fresh start moving the finished run aside. The JVM's and Maven's own dotted
     * properties ({@code java.}, {@code user.}, {@code maven.}) are two or more edits from every section; a property
     * near a section whose key is not a config key there ({@code -Ddate.format}) is someone else's.
     */
    private static void refuseMisspelledSection(String key, String section) {
        if (Overrides.SECTIONS.contains(section)) return;
        String lower = section.toLowerCase(Locale.ROOT);
        for (String known : Overrides.SECTIONS) {
            String meant = known + key.substring(section.length()).toLowerCase(Locale.ROOT);
            // also in capitals (-DTRAINING.EPOCHS), two edits off a long section (-Dchekpiont.every) or sharing its
            // first four letters (-Dtrain.epochs, -Dtrainer.epochs), all ignored before; the key after it must still be
            // one of that section's
            boolean near = edits(lower, known) <= (known.length() >= 6 ? 2 : 1) || sharedStart(lower, known) >= 4;
            if (near && Overrides.isKey(meant)) {
                throw new UserError("-D" + key + " is not a property mnist-fcn reads; did you mean -D" + meant + "? "
                        + "(Config keys are overridden by their dotted path, under " + String.join(", ",
                        Overrides.SECTIONS.stream().sorted().toList()) + ".)");
            }
        }
    }

    private static int sharedStart(String a, String b) {
        int n = 0;
        while (n < Math.min(a.length(), b.length()) && a.charAt(n) == b.charAt(n)) n++;
        return n;
    }

    /**
     * Edits from {@code a} to {@code b}: a letter inserted, deleted, replaced, or two neighbours swapped (commons-lang3's
     * Levenshtein distance, on the classpath, counts a swap as two: "modle" would pass as two edits from "model").
     */
    static int edits(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /**
     * {@code -Dname} where the command would drop it without a word: refused, {@code why} (given its value) saying
     * why and what to give instead, as the misspelled ones are.
     */
    static void refuseIgnored(String name, UnaryOperator<String> why) {
        String v = System.getProperty(name);
        if (v != null) throw new UserError("-D" + name + "=" + v + " would be ignored: " + why.apply(v));
    }

    private static UserError notAccepted(String what, String value, String expected) {
        return new UserError(what + " has value '" + value + "', which is not accepted. Expected " + expected + ".");
    }
}
