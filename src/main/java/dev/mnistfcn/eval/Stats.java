package dev.mnistfcn.eval;

import java.util.Arrays;

/** Mean, sample standard deviation and median of small samples (seeds, epochs, timing repeats). */
public final class Stats {
    private Stats() {
    }

    public static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    public static double std(double[] v) {
        if (v.length < 2) return 0;
        double m = mean(v), ss = 0;
        for (double x : v) ss += (x - m) * (x - m);
        return Math.sqrt(ss / (v.length - 1));
    }

    /**
     * "mean ± std" ({@code meanFormat} {@code %.2f%%}, {@code stdFormat} {@code %.2f}), or the mean alone from one
     * sample: its spread is unknown, and "± 0.0000" read as none (a review).
     */
    public static String plusMinus(String meanFormat, String stdFormat, double mean, double std, int n) {
        String m = String.format(java.util.Locale.ROOT, meanFormat, mean);
        return n > 1 ? m + " ± " + String.format(java.util.Locale.ROOT, stdFormat, std) : m;
    }

    public static double median(double[] v) {
        if (v.length == 0) return Double.NaN;
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /**
     * Runs {@code r} three times to warm up (the JIT compiles the fused path's loops; after a single warm-up run
     * the first config measured in a fresh JVM read 144 ms instead of 53 ms), then {@code repeats} times; the
     * median wall time in milliseconds.
     */
    public static double medianMillis(Runnable r, int repeats) {
        return median(millis(r, 3, repeats));
    }

    /** The milliseconds of {@code repeats} timed runs of {@code r} after {@code warmups} untimed ones. */
    public static double[] millis(Runnable r, int warmups, int repeats) {
        for (int i = 0; i < warmups; i++) r.run();
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return ms;
    }
}
