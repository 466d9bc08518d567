package dev.mnistfcn.digits;

/**
 * One-dimensional area-averaging resampling from {@code n} samples to {@code m}: output sample j is the mean of the
 * input span it covers. The spans' weights are worked out once per (n, m), then applied to every row or column.
 */
final class AreaAverage {
    private final int m;
    private final double span;
    /** For output j: input samples index[start[j]] … index[start[j+1] − 1], weighted by weight[…]. */
    private final int[] start;
    private final int[] index;
    private final double[] weight;

    /**
     * Input sample i covers [i, i+1); output sample j covers [j·n/m, (j+1)·n/m) and takes the mean of what lies
     * there, partly covered samples weighted by overlap.
     */
    AreaAverage(int n, int m) {
        this.m = m;
        span = (double) n / m;
        start = new int[m + 1];
        index = new int[n + m];
        weight = new double[n + m];
        int k = 0;
        for (int j = 0; j < m; j++) {
            start[j] = k;
            double from = j * span;
            double to = from + span;
            for (int i = (int) from; i < n && i < to; i++) {
                double overlap = Math.min(to, i + 1) - Math.max(from, i);
                if (overlap <= 0) continue;
                index[k] = i;
                weight[k++] = overlap;
            }
        }
        start[m] = k;
    }

    /**
     * Resamples the {@code n} values of {@code in} from {@code inStart}, every {@code inStep}, to {@code m} values of
     * {@code out} from {@code outStart}, every {@code outStep}.
     */
    void resample(float[] in, int inStart, int inStep, float[] out, int outStart, int outStep) {
        for (int j = 0; j < m; j++) {
            double sum = 0;
            for (int k = start[j]; k < start[j + 1]; k++) sum += weight[k] * in[inStart + index[k] * inStep];
            out[outStart + j * outStep] = (float) (sum / span);
        }
    }

    /** One resampling of {@code n} values to {@code m} (see {@link #resample(float[], int, int, float[], int, int)}). */
    static void resample(float[] in, int inStart, int inStep, int n, float[] out, int outStart, int outStep, int m) {
        new AreaAverage(n, m).resample(in, inStart, inStep, out, outStart, outStep);
    }
}
