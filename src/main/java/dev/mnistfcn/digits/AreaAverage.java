package dev.mnistfcn.digits;

/** One-dimensional area-averaging resampling: output sample j is the mean of the input span it covers. */
final class AreaAverage {
    private AreaAverage() {
    }

    /**
     * Resamples {@code n} values of {@code in} (from {@code inStart}, every {@code inStep}) to {@code m} values of
     * {@code out} (from {@code outStart}, every {@code outStep}). Input sample i covers [i, i+1); output sample j
     * covers [j·n/m, (j+1)·n/m) and takes the mean of what lies there, partly covered samples weighted by overlap.
     */
    static void resample(float[] in, int inStart, int inStep, int n, float[] out, int outStart, int outStep, int m) {
        double span = (double) n / m;
        for (int j = 0; j < m; j++) {
            double from = j * span;
            double to = from + span;
            double sum = 0;
            for (int i = (int) from; i < n && i < to; i++) {
                double overlap = Math.min(to, i + 1) - Math.max(from, i);
                if (overlap > 0) sum += overlap * in[inStart + i * inStep];
            }
            out[outStart + j * outStep] = (float) (sum / span);
        }
    }
}
