package dev.mnistfcn.eval;

/** One line of the training history: the tutorial's per-epoch print plus timing. */
public record EpochStats(int epoch, double trainLoss, double validationLoss, double validationAccuracy,
                         double trainSeconds, double validationSeconds, long examples) {
    public double examplesPerSecond() {
        return examples / trainSeconds;
    }
}
