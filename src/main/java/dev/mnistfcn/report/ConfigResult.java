package dev.mnistfcn.report;

import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.eval.Mistakes.Mistake;
import dev.mnistfcn.eval.Stats;
import dev.mnistfcn.eval.EpochStats;

import java.util.Arrays;
import java.util.List;

/**
 * One config's runs (one per seed) plus what was measured on its saved model; the statistics the
 * comparison table shows are derived here.
 */
public record ConfigResult(String label, String architecture, int hiddenLayers, long parameters, int epochs,
                           List<RunMetrics> runs, double inferenceMs, long modelBytes, List<Mistake> gallery) {

    /** The dataset the runs trained and were tested on. */
    public Dataset dataset() {
        return Dataset.of(runs.get(0).config().data());
    }

    public double[] testAccuracies() {
        return runs.stream().mapToDouble(r -> r.test().accuracy()).toArray();
    }

    public double testAccuracyMean() {
        return Stats.mean(testAccuracies());
    }

    /** Sample standard deviation over seeds (0 with one seed). */
    public double testAccuracyStd() {
        return Stats.std(testAccuracies());
    }

    public double macroF1Mean() {
        return Stats.mean(runs.stream().mapToDouble(r -> r.test().macroF1()).toArray());
    }

    public double testLossMean() {
        return Stats.mean(runs.stream().mapToDouble(r -> r.test().loss()).toArray());
    }

    /** Median training-loop seconds per epoch over every epoch of every seed. */
    public double secondsPerEpoch() {
        return Stats.median(runs.stream().flatMap(r -> r.history().stream()).mapToDouble(EpochStats::trainSeconds).toArray());
    }

    /**
     * An epoch's training images over {@link #secondsPerEpoch()}: the rate of the median epoch. The median of each
     * epoch's rate, beside the median time, gave a pair that disagreed (0.35 s and 8,873 images/s for 2,000 images).
     */
    public double examplesPerSecond() {
        return Stats.median(runs.stream().flatMap(r -> r.history().stream()).mapToDouble(EpochStats::examples)
                .toArray()) / secondsPerEpoch();
    }

    public double bestValidationMean() {
        return Stats.mean(runs.stream().mapToDouble(r -> best(r).validationAccuracy()).toArray());
    }

    public int[] bestValidationEpochs() {
        return runs.stream().mapToInt(r -> best(r).epoch()).toArray();
    }

    /** Confusion matrices summed over seeds. */
    public int[][] confusion() {
        int k = runs.get(0).test().confusion().length;
        int[][] sum = new int[k][k];
        for (RunMetrics r : runs) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) sum[i][j] += r.test().confusion()[i][j];
            }
        }
        return sum;
    }

    /** The epochs the curves show: every seed's, so up to where the first seed stopped. */
    public int curveEpochs() {
        return runs.stream().mapToInt(r -> r.history().size()).min().orElse(0);
    }

    /** Per-epoch values of one metric over {@link #curveEpochs}: [0] mean, [1] min, [2] max over seeds. */
    public double[][] curve(java.util.function.ToDoubleFunction<EpochStats> metric) {
        int n = curveEpochs();
        double[][] out = new double[3][n];
        for (int e = 0; e < n; e++) {
            final int epoch = e;
            double[] v = runs.stream().mapToDouble(r -> metric.applyAsDouble(r.history().get(epoch))).toArray();
            out[0][e] = Stats.mean(v);
            out[1][e] = Arrays.stream(v).min().orElse(0);
            out[2][e] = Arrays.stream(v).max().orElse(0);
        }
        return out;
    }

    private static EpochStats best(RunMetrics r) {
        EpochStats best = r.history().get(0);
        for (EpochStats s : r.history()) {
            if (s.validationAccuracy() > best.validationAccuracy()) best = s;
        }
        return best;
    }
}
