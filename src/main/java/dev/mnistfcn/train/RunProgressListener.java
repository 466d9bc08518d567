package dev.mnistfcn.train;

import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.storage.RunProgress;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Keeps the run folder's {@link RunProgress} file up to date: a line when training starts and one per epoch. */
public final class RunProgressListener implements TrainingListener {
    private final Path runDir;
    private final String name;
    private final String architecture;
    private final int batchSize;
    private final String engine;
    private final String settings;
    private RunProgress progress;

    public RunProgressListener(Path runDir, String name, String architecture, int batchSize, String engine, String settings) {
        this.runDir = runDir;
        this.name = name;
        this.architecture = architecture;
        this.batchSize = batchSize;
        this.engine = engine;
        this.settings = settings;
    }

    @Override
    public void trainingStarted(EpochPlan plan) {
        progress = RunProgress.start(runDir, new RunProgress.Started(name, architecture, plan.epochs(), batchSize, engine,
                settings, RunProgress.pid(), RunProgress.host(), Instant.now().toString()), plan.done());
    }

    @Override
    public void epochDone(EpochStats stats, List<EpochStats> history) {
        progress.epoch(stats);
    }

    /** The run stopped on {@code error} (a diverged loss): the live page says why, not only "interrupted". */
    public void failed(String error) {
        if (progress != null) progress.failed(new RunProgress.Failed(error, Instant.now().toString()));
    }

    /** The run ended normally: its test accuracy, and the epoch kept when early stopping chose one. */
    public void finished(Double testAccuracy, Integer keptEpoch) {
        if (progress != null) progress.finished(new RunProgress.Finished(testAccuracy, keptEpoch, Instant.now().toString()));
    }
}
