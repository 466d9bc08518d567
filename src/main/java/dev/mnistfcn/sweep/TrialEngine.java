package dev.mnistfcn.sweep;

import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ExperimentConfig;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where a sweep's runs train: local worker processes ({@link LocalEngine}), or Spark tasks (the {@code spark}
 * Maven profile). Either way each run is {@link TrialRunner#run} on a machine that sees MNIST and the run folders.
 */
public interface TrialEngine extends AutoCloseable {
    /** Trains each run (or reuses/resumes it); calls {@code done} as each one ends, from any thread. */
    void run(List<ExperimentConfig> runs, Consumer<TrialRunner.Done> done);

    /** One line for the console: where and how many at once. */
    String describe();

    /**
     * Whether runs train in JVMs that do not share this one's working folder (a cluster's executors): the sweep
     * then gives them absolute data and output folders ({@link SweepFile#withAbsoluteFolders}).
     */
    default boolean runsElsewhere() {
        return false;
    }

    @Override
    default void close() {
    }

    /**
     * Stops training at once, from this JVM's shutdown; {@link #run} then ends as {@link #interrupted}. Spark's own
     * shutdown hook does this for its engine.
     */
    default void stopNow() {
    }

    /** What either engine says when the sweep was stopped under it; {@code how}, which worker and trial, or "". */
    static UserError interrupted(String how, Exception cause) {
        return new UserError(INTERRUPTED + how + "; rerun the same command to continue it.", cause);
    }

    /** How {@link #interrupted}'s message begins. */
    String INTERRUPTED = "The sweep was interrupted";

    /** Whether {@code e} is {@link #interrupted}'s error. */
    static boolean isInterrupted(UserError e) {
        return e.getMessage().startsWith(INTERRUPTED);
    }
}
