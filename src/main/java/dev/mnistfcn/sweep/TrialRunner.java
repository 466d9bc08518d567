package dev.mnistfcn.sweep;

import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.job.Resume;
import dev.mnistfcn.job.TrainingJob;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

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

    /**
     * A run as a worker trains it (a local worker process, a Spark task), from its resolved config as YAML: a failure
     * is its outcome in one paragraph (a user's mistake in its own words; out of memory said as such, where a Spark
     * task's OutOfMemoryError ended the whole sweep's JVM; anything else with the run's last output), never a thrown
     * error; and the run's arrays are freed after it.
     */
    public static Done inWorker(String yaml) {
        return inWorker(yaml, "");
    }

    /** {@link #inWorker(String)}, with {@code outOfMemoryAdvice} after an out-of-memory paragraph (the engine's own). */
    public static Done inWorker(String yaml, String outOfMemoryAdvice) {
        ByteArrayOutputStream log = new ByteArrayOutputStream(); // the run's console output, for a failure's tail
        String name = "?";
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            ExperimentConfig config = ConfigLoader.parse(yaml, "a sweep run's config");
            name = config.name();
            return run(config, out);
        } catch (RuntimeException | Error e) {
            String text = log.toString(StandardCharsets.UTF_8);
            String why = e instanceof UserError ? e.getMessage()
                    : e instanceof OutOfMemoryError oom ? UserError.outOfMemory(oom) + outOfMemoryAdvice : e.toString();
            return new Done(name, How.FAILED, why + (text.isEmpty() ? ""
                    : " | last output: " + text.substring(Math.max(0, text.length() - 600)).replace('\n', ' ')));
        } finally {
            // A run's arrays (MNIST, the network, its updater) live off the heap and are freed only once the collector
            // finds their Java handles unreachable. A worker's small heap never filled, so none was freed: a long
            // sweep's workers grew 30-55 MB a run, to 8 GB each, and Spark's JVM to 4 GB (reviews). A full collection
            // after each run frees them.
            System.gc();
        }
    }

    public static Done run(ExperimentConfig config, PrintStream out) {
        TrainingJob job = new TrainingJob(config, out, false);
        if (job.finishedOutputs().isPresent()) return new Done(config.name(), How.REUSED, null);
        boolean resume = job.canResume();
        job.run(resume ? Resume.AUTO : Resume.FALSE, true); // a run another process finished meanwhile is kept
        return new Done(config.name(), resume ? How.RESUMED : How.TRAINED, null);
    }
}
