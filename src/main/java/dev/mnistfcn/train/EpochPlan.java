package dev.mnistfcn.train;

import dev.mnistfcn.eval.EpochStats;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;

/**
 * What the loop trains on and how far: epochs {@code done.size() + 1 .. epochs} of shuffled mini-batches of
 * {@code train}, each epoch validated on {@code validation}. {@code done} holds the epochs a resumed run has behind it.
 */
public record EpochPlan(DataSet train, DataSet validation, int batchSize, long seed, int epochs,
                           List<EpochStats> done) {
    public EpochPlan {
        done = List.copyOf(done);
    }
}
