package dev.mnistfcn.train;

import dev.mnistfcn.Timeline;
import dev.mnistfcn.eval.EpochStats;

import java.util.List;

/** Marks the end of the first epoch a run trains (its validation included) on the run's {@link Timeline}. */
public record FirstEpochMark(Timeline timeline) implements TrainingListener {
    @Override
    public void epochDone(EpochStats stats, List<EpochStats> history) {
        timeline.mark("first_epoch");
    }
}
