package dev.mnistfcn.sweep;

import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.job.Resume;
import dev.mnistfcn.job.TrainingJob;

import java.io.PrintStream;

/**
 * One run of a trial, in this JVM, wherever that is (a local worker process, a Spark executor): reused if its
 * folder already holds it finished, resumed from its checkpoint if a killed sweep or an earlier halving round
 * left one ({@code Resume.AUTO}), else trained afresh (a different run's files there are moved aside).
 */
public final class TrialRunner {
    /** What happened to a run. */
    public enum How { REUSED, RESUMED, TRAINED, FAILED }

    /** A run's outcome, small enough to travel back from a worker as one line. */
    public record Done(String run, How how, String error) {
    }

    private TrialRunner() {
    }

    public static Done run(ExperimentConfig config, PrintStream out) {
        TrainingJob job = new TrainingJob(config, out, false);
        if (job.finishedOutputs().isPresent()) return new Done(config.name(), How.REUSED, null);
        boolean resume = job.canResume();
        job.run(resume ? Resume.AUTO : Resume.FALSE, true); // a run another process finished meanwhile is kept
        return new Done(config.name(), resume ? How.RESUMED : How.TRAINED, null);
    }
}
