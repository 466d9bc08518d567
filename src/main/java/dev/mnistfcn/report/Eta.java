package dev.mnistfcn.report;

/** The time a series of runs has left, as compare and sweep print it: m:ss at the pace so far. */
public final class Eta {
    private Eta() {
    }

    /**
     * {@code left} more runs at the pace of the {@code trained} since {@code startedNanos} ({@link System#nanoTime}):
     * "0:00" when none is left, "?" before the first has trained.
     */
    public static String of(long startedNanos, int trained, int left) {
        if (left <= 0) return "0:00";
        if (trained <= 0) return "?";
        long seconds = Math.round((System.nanoTime() - startedNanos) / 1e9 / trained * left);
        return String.format(java.util.Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
