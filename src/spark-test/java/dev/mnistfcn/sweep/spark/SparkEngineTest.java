package dev.mnistfcn.sweep.spark;

import dev.mnistfcn.TestData;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.RunFolder;
import dev.mnistfcn.sweep.LocalEngine;
import dev.mnistfcn.sweep.SweepFile;
import dev.mnistfcn.sweep.SweepJob;
import dev.mnistfcn.sweep.Trial;
import dev.mnistfcn.sweep.TrialEngine;
import dev.mnistfcn.sweep.TrialResult;
import dev.mnistfcn.sweep.TrialRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same 4-trial sweep on Spark {@code local[2]} and on local worker processes: the same trials, the same
 * figures, bit for bit the same trained parameters. Runs with {@code mvn -Pspark test}.
 */
class SparkEngineTest {
    @TempDir
    Path dir;

    private SweepFile sweep(String engine) throws Exception {
        Path f = dir.resolve(engine + ".yaml");
        Files.writeString(f, "name: four\nbase: two-layer.yaml\nset:\n  training.epochs: 1\n  data.train_limit: 2000\n"
                + "  data.validation_size: 1000\n  data.dir: " + TestData.mnistDir().toAbsolutePath() + "\n  output.dir: "
                + dir.resolve(engine) + "\nparameters:\n  model.hidden.0.units: [16, 32]\n"
                + "  training.updater.learning_rate: [0.001, 0.01]\n");
        return SweepFile.load(f);
    }

    private static SweepJob.Outcome run(SweepFile sweep, TrialEngine engine) {
        try (engine) {
            return new SweepJob(new PrintStream(new ByteArrayOutputStream())).run(sweep, engine);
        }
    }

    @Test
    void sparkLocalModeTrainsExactlyWhatTheLocalEngineTrains() throws Exception {
        SweepFile onSpark = sweep("spark"), local = sweep("local");
        SweepJob.Outcome spark = run(onSpark, new SparkEngine("local[2]"));
        SweepJob.Outcome workers = run(local, new LocalEngine(2, 1));
        assertEquals(4, spark.runs(TrialRunner.How.TRAINED).size());
        assertEquals(4, workers.runs(TrialRunner.How.TRAINED).size());
        List<Trial> trials = onSpark.trials();
        assertEquals(trials, local.trials());
        for (Trial t : trials) {
            float[] a = params(RunFolder.of(onSpark.config(t, 0)).model());
            float[] b = params(RunFolder.of(local.config(t, 0)).model());
            assertTrue(a.length > 10_000, t.name());
            assertArrayEquals(b, a, t.name() + ": bit-identical parameters");
        }
        assertEquals(workers.ranked().stream().map(r -> r.trial().name()).toList(),
                spark.ranked().stream().map(r -> r.trial().name()).toList());
        for (int i = 0; i < 4; i++) {
            TrialResult s = spark.ranked().get(i), w = workers.ranked().get(i);
            assertEquals(w.runs().get(0).history().get(0).validationLoss(), s.runs().get(0).history().get(0).validationLoss());
            assertEquals(w.testAccuracyMean(), s.testAccuracyMean());
        }
        // Spark's logging went through DL4J's slf4j 1.7 into logback, as the pom intends.
        assertEquals("ch.qos.logback.classic.LoggerContext", LoggerFactory.getILoggerFactory().getClass().getName());
        // A rerun on Spark reuses every run: the run folders are the same ordinary folders.
        SweepJob.Outcome again = run(onSpark, new SparkEngine("local[2]"));
        assertEquals(4, again.runs(TrialRunner.How.REUSED).size());
    }

    /**
     * Spark stopped mid-sweep (Ctrl+C and SIGTERM run its shutdown hook; a cluster whose master stops answering) ends
     * the sweep and fails no trial: its runs were reported FAILED ("Job 0 cancelled because SparkContext was shut
     * down") and the sweep wrote results as if it had finished (a review). Stopped here without a JVM shutting down,
     * so it is not called an interruption (Ctrl+C's "The sweep was interrupted" by hand).
     */
    @Test
    void aSparkStoppedMidSweepFailsNoTrial() throws Exception {
        SweepFile sweep = sweep("stopped");
        List<dev.mnistfcn.config.ExperimentConfig> runs = sweep.trials().stream().map(t -> sweep.config(t, 0)).toList();
        List<TrialRunner.Done> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (SparkEngine engine = new SparkEngine("local[1]")) {
            Thread stopper = new Thread(() -> {
                Path first = RunFolder.of(runs.get(0)).dir();
                while (!Files.exists(first)) Thread.onSpinWait();
                engine.context().stop();
            });
            stopper.start();
            dev.mnistfcn.UserError e = org.junit.jupiter.api.Assertions.assertThrows(dev.mnistfcn.UserError.class,
                    () -> engine.run(runs, reported::add));
            assertEquals("Spark stopped before the sweep's runs finished (Spark's error above says why). Rerun the same "
                    + "command to continue the sweep.", e.getMessage());
            stopper.join();
        }
        assertTrue(reported.stream().noneMatch(d -> d.how() == TrialRunner.How.FAILED), reported.toString());
        awaitAbandonedTask();
    }

    /**
     * A stopped local Spark leaves its running task to finish on its own thread in this JVM, writing into the run's
     * folder: the temporary folder is deleted only once that thread has ended (it failed to delete once, a file
     * written meanwhile, on a busy machine). Spark's executor shuts its pool down, so its threads end with their task;
     * "Executor task launch worker" is what Spark 3.5 names them (a rename would make this wait for nothing).
     */
    private static void awaitAbandonedTask() throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("Executor task launch"))) {
            assertTrue(System.nanoTime() < end, "Spark's task still running 120 s after Spark stopped");
            Thread.sleep(50);
        }
    }

    /** Masters this build cannot run are refused up front: local[0] and yarn failed later, with a stack trace. */
    @Test
    void mastersItCannotRunAreRefused() {
        for (String master : new String[]{"local[0]", "yarn", "k8s://https://k:6443", "local[x]"}) {
            String said = org.junit.jupiter.api.Assertions.assertThrows(dev.mnistfcn.UserError.class,
                    () -> new SparkEngine(master)).getMessage();
            assertTrue(said.startsWith("--master has value '" + master + "', which is not accepted."), said);
        }
    }

    private static float[] params(Path model) {
        return ModelFiles.load(model, false).network().params().dup().data().asFloat();
    }
}
