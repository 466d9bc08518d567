package dev.mnistfcn.engine;

import org.nd4j.linalg.dataset.DataSet;

/** One parameter update per mini-batch, whichever engine computes it: what the training loop calls. */
public interface TrainingStep {
    /**
     * Trains on {@code rows} of {@code data} (one mini-batch) and returns the batch's loss as DL4J's
     * {@code score()} reports it after {@code fit}: mean cross-entropy plus the L2 term.
     */
    double fit(DataSet data, int[] rows);

    /**
     * Leaves the network complete (parameters and updater state) for validation, checkpoints and DL4J's methods,
     * and advances its epoch count, as DL4J's {@code fit(DataSetIterator)} does after each pass (by-epoch
     * learning-rate schedules read it; the loop calls {@code fit(DataSet)}, which does not).
     */
    void endEpoch();

    /**
     * Does ahead, on the calling thread, the work {@code data} needs before its first batch of {@code batchSize}
     * rows, so that it is not done on the training thread: each augmented epoch is a new data set, made while the
     * epoch before it trains, and the fused engine lists each data set's non-zero pixels. Optional; safe to call
     * while another thread trains on another data set.
     */
    default void prepare(DataSet data, int batchSize) {
    }

    /**
     * Runs {@code work} on the calling thread, one other than the training thread, with this engine's training kept
     * to one core while it runs, so that the two do not take turns on every core: the next augmented epoch's images.
     * The training's numbers stay the same. By default {@code work} just runs (DL4J's engine).
     */
    default void onSpareCore(Runnable work) {
        work.run();
    }

    /** Class probabilities with the parameters as they are now, from the same engine. */
    Predictor predictor();
}
