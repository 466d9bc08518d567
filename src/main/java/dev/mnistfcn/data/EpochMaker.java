package dev.mnistfcn.data;

import org.nd4j.linalg.dataset.DataSet;

import java.util.function.IntConsumer;

/**
 * What a training step lends {@link AugmentedEpochs} between two of its batches, so that the next epoch's images are
 * made a slice at a time on the step's own threads instead of on a thread of their own: on 2 cores such a thread
 * takes a core from the step in the middle of a batch, and the step's other thread then waits for it.
 */
public interface EpochMaker {
    /** How many tasks {@link #run} runs at once. */
    int threads();

    /** Runs {@code task.accept(0..tasks-1)} at once and returns when all are done; {@code tasks <= threads()}. */
    void run(int tasks, IntConsumer task);

    /**
     * What the step does ahead with {@code data} (each epoch's new images) while its rows are made, or null where it
     * needs the whole data set ({@code TrainingStep.prepare}, then run once the set is complete).
     */
    RowListing listing(DataSet data);

    /** Work on a data set's rows as they are made, in the order they are made. */
    interface RowListing {
        /** Counts rows {@code from..to}, just made; called for disjoint ranges at once, each by the thread that made it. */
        void count(int from, int to);

        /** Rows {@code from..to} are counted: room for them after the rows before (on the calling thread). */
        void place(int from, int to);

        /** Lists rows {@code from..to}, placed; called for disjoint ranges at once. */
        void list(int from, int to);

        /** Every row is listed: the data set's first batch finds the listing. */
        void complete();
    }
}
