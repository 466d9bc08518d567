package dev.mnistfcn.report;

import dev.mnistfcn.eval.Stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The comparison as a Markdown table (rows in the order the configs were given) and noise sentences. */
public final class ComparisonTable {
    private ComparisonTable() {
    }

    public static String markdown(List<ConfigResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| config | hidden layers | parameters | epochs | s/epoch | examples/s | best val acc (epoch) "
                + "| test acc (mean ± std) | macro F1 | test loss | inference 10k (ms) | model size |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ConfigResult r : results) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %,d | %s | %.2f | %,.0f | %.2f%% (%s) | %s (n=%d) "
                            + "| %.4f | %.4f | %.1f | %.2f MB |%n",
                    r.label(), r.hiddenLayers(), r.parameters(), epochs(r.runs(), r.epochs()), r.secondsPerEpoch(), r.examplesPerSecond(),
                    100 * r.bestValidationMean(),
                    Arrays.stream(r.bestValidationEpochs()).mapToObj(String::valueOf).collect(Collectors.joining(", ")),
                    Stats.plusMinus("%.2f%%", "%.2f", 100 * r.testAccuracyMean(), 100 * r.testAccuracyStd(),
                            r.runs().size()), r.runs().size(), r.macroF1Mean(),
                    r.testLossMean(), r.inferenceMs(), r.modelBytes() / 1e6));
        }
        return sb.toString();
    }

    /**
     * The epochs column: {@code configured} (training.epochs) as before; with early stopping the epochs each seed
     * trained and the one it kept, {@code 12 (kept 7)}, or per seed in seed order {@code 12, 9, 15 (kept 7, 4, 10)},
     * a list shown once when every seed has the same value. Also the sweep table's column.
     */
    public static String epochs(List<RunMetrics> runs, int configured) {
        if (runs.stream().allMatch(r -> r.earlyStopping() == null)) return Integer.toString(configured);
        return perSeed(runs.stream().mapToInt(r -> r.history().size()).toArray()) + " (kept " + perSeed(runs.stream()
                .mapToInt(r -> r.earlyStopping() == null ? r.history().size() : r.earlyStopping().bestModelEpoch())
                .toArray()) + ")";
    }

    private static String perSeed(int[] values) {
        return Arrays.stream(values).distinct().count() == 1 ? Integer.toString(values[0])
                : Arrays.stream(values).mapToObj(String::valueOf).collect(Collectors.joining(", "));
    }

    /**
     * Two sentences per pair: is the test-accuracy gap larger than the seed-to-seed noise, and how their training
     * speeds compare (e.g. the two engines on one config).
     */
    public static List<String> pairSentences(List<ConfigResult> results) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            for (int j = i + 1; j < results.size(); j++) {
                out.add(noiseSentence(results.get(i), results.get(j)));
                out.add(speedSentence(results.get(i), results.get(j)));
            }
        }
        return out;
    }

    /** The ratio of median training seconds per epoch. */
    static String speedSentence(ConfigResult a, ConfigResult b) {
        ConfigResult fast = a.secondsPerEpoch() <= b.secondsPerEpoch() ? a : b, slow = fast == a ? b : a;
        return String.format(Locale.ROOT, "%s trains an epoch in %.2f s, %s in %.2f s (median over all epochs and "
                        + "seeds): %.1f× as fast.", fast.label(), fast.secondsPerEpoch(), slow.label(),
                slow.secondsPerEpoch(), slow.secondsPerEpoch() / fast.secondsPerEpoch());
    }

    /**
     * The gap is called real when it exceeds two standard errors of the difference of the two means
     * (about a 95% bound for normal seed noise; with 3 seeds a rough one, which the sentence says).
     */
    static String noiseSentence(ConfigResult a, ConfigResult b) {
        if (a.dataset() != b.dataset()) {
            return String.format(Locale.ROOT, "%s and %s are tested on different datasets (%s, %s): their accuracies "
                    + "are not comparable.", a.label(), b.label(), a.dataset().title(), b.dataset().title());
        }
        int na = a.runs().size(), nb = b.runs().size();
        double diff = 100 * (a.testAccuracyMean() - b.testAccuracyMean());
        if (na < 2 || nb < 2) {
            return String.format(Locale.ROOT, "%s vs %s: %.2f points apart in test accuracy, but with one seed per config "
                    + "the seed noise is unknown; run with --seeds 3 or more to tell.", a.label(), b.label(), Math.abs(diff));
        }
        double se = 100 * Math.sqrt(a.testAccuracyStd() * a.testAccuracyStd() / na
                + b.testAccuracyStd() * b.testAccuracyStd() / nb);
        ConfigResult hi = diff >= 0 ? a : b, lo = diff >= 0 ? b : a;
        if (Math.abs(diff) > 2 * se) {
            return String.format(Locale.ROOT, "%s is more accurate than %s by %.2f points, larger than the seed noise "
                    + "(2 standard errors = %.2f points over %d and %d seeds).", hi.label(), lo.label(), Math.abs(diff),
                    2 * se, na, nb);
        }
        return String.format(Locale.ROOT, "%s and %s differ by %.2f points in test accuracy, within the seed noise "
                + "(2 standard errors = %.2f points over %d and %d seeds): this comparison does not show that either "
                + "is more accurate.", a.label(), b.label(), Math.abs(diff), 2 * se, na, nb);
    }
}
