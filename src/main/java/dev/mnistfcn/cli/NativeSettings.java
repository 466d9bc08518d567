package dev.mnistfcn.cli;

/** Thread and kernel settings for ND4J's native backend, applied before the first ND4J call. */
public final class NativeSettings {
    private NativeSettings() {
    }

    public static void apply() {
        // Placeholder: filled in by measurement (see README, Performance).
    }
}
