package dev.mnistfcn.train;

import dev.mnistfcn.eval.EpochStats;

import java.util.List;

/** Hears the training loop: console output, checkpoints and timings are listeners, not code inside the loop. */
public interface TrainingListener {
    default void trainingStarted(EpochPlan plan) {
    }

    /** After each parameter update: {@code batch} of {@code batches} in this epoch, the epoch's mean loss so far. */
    default void batchDone(int epoch, int batch, int batches, double meanLoss, double seconds) {
    }

    /** After each epoch's validation; {@code history} includes {@code stats}. */
    default void epochDone(EpochStats stats, List<EpochStats> history) {
    }

    /**
     * Asked before every epoch, the first of a resumed run included: true stops training there (DL4J's
     * {@code EpochTerminationCondition} saying "terminate"). A separate question rather than a return value of
     * {@link #epochDone}, so that every listener hears an epoch before any one of them ends the run.
     */
    default boolean stopRequested() {
        return false;
    }

    /**
     * After the last epoch of a run that a listener stopped before training.epochs, where this call trained it:
     * {@code history}'s last epoch is the run's last.
     */
    default void stoppedEarly(List<EpochStats> history) {
    }
}
