package dev.mnistfcn.config;

import java.util.List;
import java.util.Map;

/** {@code training.updater.schedule}'s checks, apart from {@link ConfigValidator} for their size. */
final class ScheduleChecks {
    private ScheduleChecks() {
    }

    /** The schedule's type, count and the keys its type takes (and no others), each in its range. */
    static void check(String where, ScheduleSpec s, double learningRate) {
        String p = "training.updater.schedule.";
        if (!ScheduleSpec.KEYS.containsKey(s.type())) {
            ConfigValidator.fail(where, p + "type", s.type(), "one of " + String.join(", ", ScheduleSpec.KEYS.keySet())
                    + " (DL4J's StepSchedule, ExponentialSchedule, InverseSchedule, PolySchedule, SigmoidSchedule, "
                    + "MapSchedule, CycleSchedule)");
        }
        if (s.by() == null || !ScheduleSpec.BY.contains(s.by())) {
            ConfigValidator.fail(where, p + "by", s.by(), "epoch or iteration (what the schedule counts; the key is required)");
        }
        List<String> takes = ScheduleSpec.KEYS.get(s.type());
        for (List<String> keys : ScheduleSpec.KEYS.values()) {
            for (String k : keys) {
                Object v = s.get(k);
                if (takes.contains(k)) {
                    if (v == null && !k.equals("annealing_decay")) {
                        ConfigValidator.fail(where, p + k, null, RANGES.get(k) + " (schedule type '" + s.type() + "' requires it)");
                    }
                } else if (v != null) {
                    ConfigValidator.fail(where, p + k, v, "no " + k + " for schedule type '" + s.type() + "', which takes "
                            + String.join(", ", takes));
                }
            }
        }
        double gamma = s.gamma() == null ? 1 : s.gamma();
        if (s.type().equals("sigmoid") ? gamma == 0 || !Double.isFinite(gamma) : !(gamma > 0)) {
            ConfigValidator.fail(where, p + "gamma", s.gamma(), s.type().equals("sigmoid") ? "a number ≠ 0 (> 0 rises to "
                    + "learning_rate, < 0 falls from it)" : RANGES.get("gamma"));
        }
        if (s.type().equals("poly") && s.power() != null && (s.power() == 0 || !Double.isFinite(s.power()))) {
            // DL4J's PolySchedule computes lr·(1 + t/max_iter)^power: a negative power decays, a positive one rises.
            ConfigValidator.fail(where, p + "power", s.power(), "a number ≠ 0 (DL4J's poly schedule is lr·(1 + t/max_iter)^power "
                    + "until max_iter, then 0: < 0 decays, > 0 rises)");
        }
        for (String k : List.of("decay_rate", "power", "max_learning_rate")) {
            Double v = (Double) s.get(k);
            if (k.equals("power") && s.type().equals("poly")) continue;
            if (v != null && !(v > (k.equals("max_learning_rate") ? learningRate : 0))) ConfigValidator.fail(where, p + k, v, RANGES.get(k));
        }
        for (String k : List.of("step", "max_iter", "cycle_length")) {
            Integer v = (Integer) s.get(k);
            if (v != null && v < (k.equals("cycle_length") ? 2 : 1)) ConfigValidator.fail(where, p + k, v, RANGES.get(k));
        }
        if (s.stepSize() != null && s.stepSize() < 0) ConfigValidator.fail(where, p + "step_size", s.stepSize(), RANGES.get("step_size"));
        if (s.annealingLength() != null && s.cycleLength() != null
                && (s.annealingLength() < 0 || s.cycleLength() - s.annealingLength() < 2)) {
            ConfigValidator.fail(where, p + "annealing_length", s.annealingLength(), RANGES.get("annealing_length") + ", here 0 to "
                    + (s.cycleLength() - 2));
        }
        if (s.annealingDecay() != null && !(s.annealingDecay() > 0 && s.annealingDecay() <= 1)) {
            ConfigValidator.fail(where, p + "annealing_decay", s.annealingDecay(), RANGES.get("annealing_decay"));
        }
        if (s.values() != null) {
            if (!s.values().containsKey(0)) {
                ConfigValidator.fail(where, p + "values", s.values(), RANGES.get("values") + "; it lacks the value at 0");
            }
            s.values().forEach((at, v) -> {
                if (at < 0 || v == null || !(v > 0)) ConfigValidator.fail(where, p + "values." + at, v, RANGES.get("values"));
            });
        }
    }

    /** What each schedule key accepts, in words. */
    private static final Map<String, String> RANGES = Map.ofEntries(
            Map.entry("gamma", "a number > 0 (the rate is multiplied by gamma per count for exponential)"),
            Map.entry("decay_rate", "a factor > 0 applied every 'step' counts"),
            Map.entry("step", "a whole number of counts ≥ 1 between decays"),
            Map.entry("power", "a number > 0"),
            Map.entry("max_iter", "a whole number ≥ 1 (the count at which the rate reaches 0)"),
            Map.entry("step_size", "a whole number ≥ 0 (the count at the sigmoid's midpoint)"),
            Map.entry("values", "a mapping from counts ≥ 0 to learning rates > 0 that includes 0, e.g. "
                    + "{0: 0.001, 10: 0.0005}"),
            Map.entry("max_learning_rate", "a learning rate above learning_rate (the cycle's peak)"),
            Map.entry("cycle_length", "a whole number of counts ≥ 2"),
            Map.entry("annealing_length", "a whole number of counts ≥ 0 that leaves at least 2 of cycle_length "
                    + "for the rise and fall"),
            Map.entry("annealing_decay", "a factor in (0, 1] (default 0.1)"));
}
