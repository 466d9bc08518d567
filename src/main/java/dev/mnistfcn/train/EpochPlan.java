package dev.mnistfcn.train;

import dev.mnistfcn.config.AugmentSpec;
import dev.mnistfcn.eval.EpochStats;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;

/**
 * What the loop trains on and how far: epochs {@code done.size() + 1 .. epochs} of shuffled mini-batches of
 * {@code train}, each epoch validated on {@code validation}. {@code done} holds the epochs a resumed run has behind it.
 * {@code augment} (null: none) distorts the training images anew each epoch.
 */
public record EpochPlan(DataSet train, DataSet validation, int batchSize, long seed, int epochs,
                        List<EpochStats> done, AugmentSpec augment) {
    public EpochPlan {
        done = List.copyOf(done);
        if (augment != null && !augment.any()) augment = null;
    }

    /** Without augmentation. */
    public EpochPlan(DataSet train, DataSet validation, int batchSize, long seed, int epochs, List<EpochStats> done) {
        this(train, validation, batchSize, seed, epochs, done, null);
    }
}
