package dev.mnistfcn.sweep;

import dev.mnistfcn.eval.Stats;
import dev.mnistfcn.report.RunMetrics;

import java.util.Comparator;
import java.util.List;

/** A trial's finished runs (one per seed) after {@code epochs} epochs, and its figures over the seeds. */
public record TrialResult(Trial trial, int epochs, List<RunMetrics> runs, Metric metric) {
    public TrialResult {
        runs = List.copyOf(runs);
    }

    public double mean() {
        return Stats.mean(values());
    }

    public double std() {
        return Stats.std(values());
    }

    public double testAccuracyMean() {
        return Stats.mean(runs.stream().mapToDouble(r -> r.test().accuracy()).toArray());
    }

    public double testAccuracyStd() {
        return Stats.std(runs.stream().mapToDouble(r -> r.test().accuracy()).toArray());
    }

    public double[] values() {
        return runs.stream().mapToDouble(metric::of).toArray();
    }

    /** Trials that trained longest first (halving's survivors), then by the metric's mean, then by name. */
    public static Comparator<TrialResult> ranking(Metric metric) {
        return Comparator.comparingInt((TrialResult r) -> -r.epochs())
                .thenComparing(TrialResult::mean, metric.bestFirst())
                .thenComparing(r -> r.trial().name());
    }
}
