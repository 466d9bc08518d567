package dev.mnistfcn.train;

import java.util.Locale;

/**
 * What early stopping did, for metrics.json and the reports: DL4J's {@code EarlyStoppingResult} figures (its
 * {@code terminationReason}, {@code terminationDetails}, {@code bestModelEpoch}, {@code bestModelScore},
 * {@code totalEpochs}) as plain values, with epochs counted from 1 as everywhere here (DL4J counts from 0).
 *
 * @param stoppedEarly       whether the termination condition ended the run before training.epochs
 * @param totalEpochs        epochs trained
 * @param bestModelEpoch     the epoch whose weights model.zip holds
 * @param bestModelScore     the monitored value at that epoch
 * @param terminationReason  DL4J's {@code TerminationReason} name ({@code EpochTerminationCondition})
 * @param terminationDetails the condition that ended it: DL4J's {@code ScoreImprovementEpochTerminationCondition},
 *                           or {@code MaxEpochsTerminationCondition} when training.epochs came first
 */
public record EarlyStoppingOutcome(String monitor, int patience, double minDelta, boolean stoppedEarly, int totalEpochs,
                                   int bestModelEpoch, double bestModelScore, String terminationReason,
                                   String terminationDetails) {

    /** One sentence for the console and the reports. */
    public String sentence() {
        String kept = String.format(Locale.ROOT, "the model keeps epoch %d's weights (%s %s)", bestModelEpoch, monitor,
                score(bestModelScore));
        return stoppedEarly
                ? String.format(Locale.ROOT, "Early stopping: stopped after epoch %d, as %s had not improved by more than "
                + "%s for %d epoch%s; %s.", totalEpochs, monitor, minDelta, patience, patience == 1 ? "" : "s", kept)
                : String.format(Locale.ROOT, "Early stopping (%s, patience %d, min_delta %s) did not end the run before its %d epoch%s; "
                + "%s.", monitor, patience, minDelta, totalEpochs, totalEpochs == 1 ? "" : "s", kept);
    }

    /** A monitored value as the console prints it: accuracy in percent, loss with four decimals. */
    private String score(double v) {
        return monitor.equals("val_accuracy") ? String.format(Locale.ROOT, "%.2f%%", 100 * v)
                : String.format(Locale.ROOT, "%.4f", v);
    }
}
