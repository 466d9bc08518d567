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

    /**
     * By the metric's mean, then by name; under {@code halving}, the trials that trained longest (the later rounds'
     * survivors) first. Without halving the epochs are each trial's own (a swept training.epochs), which say nothing
     * of its quality: a diverged 2-epoch trial ranked above a good 1-epoch one.
     */
    public static Comparator<TrialResult> ranking(Metric metric, boolean halving) {
        Comparator<TrialResult> byMetric = Comparator.comparing(TrialResult::mean, metric.bestFirst());
        return (halving ? Comparator.comparingInt((TrialResult r) -> -r.epochs()).thenComparing(byMetric) : byMetric)
                .thenComparing(r -> r.trial().name());
    }
}
