package dev.mnistfcn.job;

import dev.mnistfcn.ModelProvenance;
import dev.mnistfcn.TestData;
import dev.mnistfcn.UserError;
import dev.mnistfcn.cli.Main;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.storage.CheckpointStore;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.ModelMetadata;
import dev.mnistfcn.storage.NotADigitCheck;
import dev.mnistfcn.storage.NotADigitEntry;
import dev.mnistfcn.storage.RunLock;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.mnistfcn.job.Resume.AUTO;
import static dev.mnistfcn.job.Resume.TRUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code resume: auto}, the folder lock, and resumes that would make the files lie, on real MNIST subsets. */
@Tag("slow") // training runs on real MNIST, killed and resumed (docs/tests.md#test-tiers)
class ResumeTest {
    @TempDir
    Path out;

    private ExperimentConfig config(int epochs, String... more) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("training.epochs", String.valueOf(epochs));
        o.put("data.train_limit", "1500");
        o.put("data.dir", TestData.mnistDir().toString());
        o.put("output.dir", out.toString());
        o.put("checkpoint.every", "1");
        for (int i = 0; i < more.length; i += 2) o.put(more[i], more[i + 1]);
        return ConfigLoader.load(Path.of("config/one-layer.yaml"), o);
    }

    private String run(ExperimentConfig c, Resume mode) {
        var console = new ByteArrayOutputStream();
        new TrainingJob(c, new PrintStream(console), false).run(mode);
        return console.toString();
    }

    /**
     * A finished run of 128 epochs or more was never "finished": the epoch counts were compared as Integer objects
     * (equal only within Java's cache of -128..127), so `--resume=auto` finished best-mlp's 150 epochs again, compare
     * never reused such a run and a halving sweep ranked its last round at the round before (a review).
     */
    @Test
    void aFinishedRunOfManyEpochsIsFinished() {
        ExperimentConfig many = config(130, "data.train_limit", "100", "data.validation_size", "100",
                "checkpoint.every", "0", "name", "many");
        new TrainingJob(many, new PrintStream(new ByteArrayOutputStream()), false).run();
        assertTrue(new TrainingJob(many, new PrintStream(new ByteArrayOutputStream()), false).finishedOutputs()
                .isPresent(), "finished");
    }

    @Test
    void autoStartsFreshThenContinuesThenFinishesWithoutTraining() throws Exception {
        String fresh = run(config(1), AUTO);
        assertTrue(fresh.contains(" 1/1 |") && !fresh.contains("Resuming"), fresh);

        // calibrate gave the 1-epoch model its not-a-digit check: training on keeps it (the rewrite dropped it)
        var check = new NotADigitCheck(NotADigitCheck.METHOD, 1, NotADigitCheck.bytes(new float[784]),
                NotADigitCheck.bytes(new float[1]), NotADigitCheck.bytes(new float[2]), NotADigitCheck.bytes(new float[2]),
                0.375, new NotADigitCheck.Calibration(100, 0.02, 50, 0.9, "2026-12-07T07:00:00Z"));
        NotADigitEntry.write(out.resolve("one-layer/model.zip"), check);
        // ... and export wrote the 1-epoch network beside it: stale once the run trains on (it was left, unsaid)
        Files.writeString(out.resolve("one-layer/model.onnx"), "the 1-epoch network");
        String resumed = run(config(3), AUTO); // as if a 3-epoch run had been killed after epoch 1
        assertTrue(resumed.contains("Removed model.onnx: exported from the model.zip this run replaced"), resumed);
        assertFalse(Files.exists(out.resolve("one-layer/model.onnx")));
        assertTrue(resumed.contains("Resuming 'one-layer' from") && resumed.contains("epoch 1 of 3 done"), resumed);
        assertTrue(resumed.contains("model.zip keeps the not-a-digit check"), resumed);
        assertEquals(check.calibration(), ModelFiles.load(out.resolve("one-layer/model.zip"), false).notADigit()
                .orElseThrow().calibration());
        assertFalse(resumed.contains(" 1/3 |"), "epoch 1 is not trained again: " + resumed);
        RunMetrics straight = new TrainingJob(config(3, "name", "straight"), new PrintStream(new ByteArrayOutputStream()),
                false).run();
        assertSameNetwork(out.resolve("straight/model.zip"), out.resolve("one-layer/model.zip"));

        // Killed after the last checkpoint, before the outputs: the rerun only evaluates and writes them.
        Path run = out.resolve("one-layer");
        // A finish that writes the same network keeps its exports (a review: they were removed as stale)
        Files.delete(run.resolve("report.md"));
        Files.writeString(run.resolve("model.onnx"), "the 3-epoch network");
        String same = run(config(3), AUTO);
        assertTrue(same.contains("Finishing 'one-layer'") && !same.contains("Removed model.onnx"), same);
        assertTrue(Files.exists(run.resolve("model.onnx")));
        for (String f : List.of("model.zip", "metrics.json", "report.md", "report.html")) Files.delete(run.resolve(f));
        String finished = run(config(3), AUTO);
        assertTrue(finished.contains("Finishing 'one-layer' from") && !finished.contains(" 3/3 |"), finished);
        assertSameNetwork(out.resolve("straight/model.zip"), run.resolve("model.zip"));
        RunMetrics written = dev.mnistfcn.Json.MAPPER.readValue(run.resolve("metrics.json").toFile(), RunMetrics.class);
        assertEquals(straight.test().accuracy(), written.test().accuracy());
        assertEquals(3, written.history().size());
    }

    /**
     * A crash-safety review: killed after epoch 2's checkpoint and before its best.zip, the resumed run said "Finishing"
     * and kept best.zip at epoch 1, where a straight run has epoch 2, the better one. The restored network is written.
     * It also left the checkpoints unpruned.
     */
    @Test
    void aKillBetweenTheCheckpointAndBestZipLeavesBestZipAsAStraightRunHasIt() throws Exception {
        run(config(2, "name", "k"), Resume.FALSE);
        Path checkpoints = out.resolve("k").resolve(CheckpointStore.FOLDER);
        Path best = checkpoints.resolve("best.zip");
        assertEquals(2, ModelFiles.load(best, false).metadata().orElseThrow().epoch(), "epoch 2 is the better here");
        Files.copy(checkpoints.resolve("epoch-01.zip"), best, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (String f : List.of("model.zip", "metrics.json", "report.md", "report.html")) Files.delete(out.resolve("k").resolve(f));
        // checkpoint.keep lowered on the resume: a kill between a save and its prune leaves one too many, and a resume
        // that only finishes saves nothing, so it prunes at its start
        String finished = run(config(2, "name", "k", "checkpoint.keep", "1"), AUTO);
        assertTrue(finished.contains("Finishing 'k' from"), finished);
        assertEquals(List.of(checkpoints.resolve("epoch-02.zip")), new CheckpointStore(out.resolve("k"), 1).list());
        assertEquals(2, ModelFiles.load(best, false).metadata().orElseThrow().epoch());
        assertEquals(ModelFiles.load(checkpoints.resolve("epoch-02.zip"), false).network().params(),
                ModelFiles.load(best, false).network().params());
    }

    /**
     * A crash-safety review: a run trained in the CLI's JVM (Vector API loaded) and resumed in a plain one took the
     * fused engine's dense first layer and went on, not bit for bit, without a word. Now it says so.
     */
    @Test
    void aResumeInAJvmWithoutTheVectorApiTheRunHadSaysItWillNotBeBitExact() throws Exception {
        run(config(1, "name", "v"), Resume.FALSE);
        Path checkpoint = out.resolve("v").resolve(CheckpointStore.FOLDER).resolve("epoch-01.zip");
        ModelFiles.Loaded saved = ModelFiles.load(checkpoint, true);
        ModelMetadata meta = saved.metadata().orElseThrow();
        ModelProvenance p = meta.provenance();
        Map<String, String> versions = new LinkedHashMap<>(p.versions());
        assertEquals(dev.mnistfcn.Versions.vectorApi(), versions.get(dev.mnistfcn.Versions.VECTOR_API), "recorded");
        String other = versions.get(dev.mnistfcn.Versions.VECTOR_API).equals("loaded") ? "not loaded" : "loaded";
        versions.put(dev.mnistfcn.Versions.VECTOR_API, other);
        ModelProvenance elsewhere = new ModelProvenance(p.run(), p.trainedAt(), p.epochs(), p.seed(), p.engine(), p.data(),
                p.configSha256(), p.config(), p.mnistFcn(), versions, p.cpu());
        ModelFiles.save(saved.network(), checkpoint, true, new ModelMetadata(elsewhere, meta.iteration(),
                meta.validationLoss(), meta.validationAccuracy(), meta.testAccuracy(), meta.history()));
        String resumed = run(config(2, "name", "v"), AUTO);
        assertTrue(resumed.contains("Note: " + checkpoint + " was trained in a JVM where jdk.incubator.vector was "
                + other + "; in this one it is " + dev.mnistfcn.Versions.vectorApi()), resumed);
        assertFalse(run(config(3, "name", "v"), AUTO).contains("Note:"), "a checkpoint of this JVM's kind: no note");
    }

    /** Distorted epochs come from (seed, epoch, example): a run resumed after epoch 1 sees epochs 2 and 3 as a straight one. */
    @Test
    void aResumedRunWithAugmentationEndsBitForBitWhereAStraightOneDoes() {
        String[] augment = {"data.augment.rotation", "10", "data.augment.scale", "[0.9, 1.1]", "data.augment.shear", "5",
                "data.augment.translation", "2", "data.augment.elastic", "{alpha: 34, sigma: 4}"};
        run(config(1, augment), AUTO);
        String resumed = run(config(3, augment), AUTO);
        assertTrue(resumed.contains("Resuming 'one-layer' from") && !resumed.contains(" 1/3 |"), resumed);
        String[] straight = java.util.Arrays.copyOf(augment, augment.length + 2);
        straight[augment.length] = "name";
        straight[augment.length + 1] = "straight";
        run(config(3, straight), Resume.FALSE);
        assertSameNetwork(out.resolve("straight/model.zip"), out.resolve("one-layer/model.zip"));
        run(config(3, "name", "plain"), Resume.FALSE);
        MultiLayerNetwork plain = ModelFiles.load(out.resolve("plain/model.zip"), false).network();
        MultiLayerNetwork distorted = ModelFiles.load(out.resolve("straight/model.zip"), false).network();
        assertFalse(plain.params().equals(distorted.params()), "the distortions did change what was trained");
    }

    @Test
    void aResumeThatWouldChangeWhatWasTrainedIsRefusedWithBothValues() throws Exception {
        run(config(1), AUTO);
        Path config = out.resolve("one-layer/config.resolved.yaml");
        String before = Files.readString(config);
        UserError e = assertThrows(UserError.class, () -> run(config(2, "training.updater.type", "sgd",
                "training.batch_size", "100"), AUTO));
        assertTrue(e.getMessage().startsWith("Cannot resume 'one-layer' from " + out.resolve("one-layer/checkpoints/epoch-01.zip")
                + ": the config differs from the one it was trained with (training.batch_size was 50, now 100; "
                + "training.updater.type was adam, now sgd)."), e.getMessage());
        assertEquals(before, Files.readString(config), "nothing touched");
        // What may change: epochs, checkpointing, output and data folders.
        assertTrue(run(config(2, "checkpoint.keep", "5"), AUTO).contains("Resuming"));
    }

    /** A checkpoint whose metadata records no config (a zip from elsewhere): one paragraph, not a stack trace. */
    @Test
    void aCheckpointWithoutARecordedConfigIsRefusedInOneParagraph() throws Exception {
        run(config(1), AUTO);
        Path checkpoint = out.resolve("one-layer/checkpoints/epoch-01.zip");
        ModelFiles.Loaded loaded = ModelFiles.load(checkpoint, true);
        ModelMetadata meta = loaded.metadata().orElseThrow();
        ModelProvenance p = meta.provenance();
        ModelProvenance withoutConfig = new ModelProvenance(p.run(), p.trainedAt(), p.epochs(), p.seed(), p.engine(),
                p.data(), p.configSha256(), null, p.mnistFcn(), p.versions(), p.cpu());
        ModelFiles.save(loaded.network(), checkpoint, true, new ModelMetadata(withoutConfig, meta.iteration(),
                meta.validationLoss(), meta.validationAccuracy(), meta.testAccuracy(), meta.history()));
        for (Resume mode : List.of(AUTO, TRUE)) {
            UserError e = assertThrows(UserError.class, () -> run(config(2), mode));
            assertTrue(e.getMessage().startsWith("Cannot resume 'one-layer' from " + checkpoint + ": its metadata "
                    + "(mnist-fcn.json) records no config"), e.getMessage());
        }
        assertTrue(run(config(2), Resume.FALSE).contains(" 2/2 |"), "from scratch it trains");
    }

    @Test
    void oneRunPerFolderAndTheLockDiesWithItsProcess() throws Exception {
        Path dir = out.resolve("one-layer");
        try (RunLock held = RunLock.acquire(dir)) {
            UserError e = assertThrows(UserError.class, () -> run(config(1), AUTO));
            assertTrue(e.getMessage().startsWith("Run folder " + dir + " is in use by another mnist-fcn run (pid "
                    + ProcessHandle.current().pid() + " on "), e.getMessage());
            assertTrue(e.getMessage().contains("another name (-Dname=…"), e.getMessage());
        }
        // Another process holds it, then is SIGKILLed: the lock is free again without any cleaning.
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LockHolder.class.getName(), dir.toString()).start();
        assertEquals("locked", new String(holder.getInputStream().readNBytes(6)));
        UserError e = assertThrows(UserError.class, () -> RunLock.acquire(dir));
        assertTrue(e.getMessage().contains("(pid " + holder.pid() + " on "), e.getMessage());
        holder.destroyForcibly();
        assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
        assertTrue(run(config(1), AUTO).contains(" 1/1 |"), "trains once the holder is gone");
    }

    @Test
    void resumeTakesTrueFalseOrAutoAndNothingElse() {
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"train", "-c", "config/one-layer.yaml", "--resume=banana", "--set",
                "output.dir=" + out}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(2, code);
        assertEquals("error: --resume / -Dresume has value 'banana', which is not accepted. Expected true (continue from "
                + "the latest checkpoint), false (start from scratch) or auto (continue if there is a checkpoint, else "
                + "start; what to rerun after a kill).", err.toString().strip());
        assertFalse(Files.exists(out.resolve("one-layer")), "nothing touched");
        assertThrows(UserError.class, () -> run(config(1), TRUE), "true still needs a checkpoint");
    }

    private static void assertSameNetwork(Path expected, Path actual) {
        MultiLayerNetwork a = ModelFiles.load(expected, true).network();
        MultiLayerNetwork b = ModelFiles.load(actual, true).network();
        assertEquals(a.params(), b.params(), "parameters, bit for bit");
        assertEquals(a.getUpdater().getStateViewArray(), b.getUpdater().getStateViewArray(), "Adam state, bit for bit");
        assertEquals(a.getIterationCount(), b.getIterationCount());
    }

    /** Holds a run folder's lock until killed; prints "locked" once it has it. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            RunLock.acquire(Path.of(args[0]));
            System.out.print("locked");
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
