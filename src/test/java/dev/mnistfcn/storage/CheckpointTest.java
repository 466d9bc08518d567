package dev.mnistfcn.storage;

import dev.mnistfcn.Folders;
import dev.mnistfcn.TestData;
import dev.mnistfcn.UserError;
import dev.mnistfcn.cli.Main;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.job.Resume;
import dev.mnistfcn.job.TrainingJob;
import dev.mnistfcn.train.TestCurveListener;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoints, best/last, pruning, resume, and the save → restore round trip, on real MNIST subsets. */
@Tag("slow") // training runs on real MNIST subsets (docs/tests.md#test-tiers)
class CheckpointTest {
    static Path mnist;

    @TempDir
    Path out;

    @BeforeAll
    static void data() {
        mnist = TestData.mnistDir();
    }

    private ExperimentConfig config(String file, int epochs, String... more) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("training.epochs", String.valueOf(epochs));
        o.put("data.train_limit", "2000");
        o.put("data.dir", mnist.toString());
        o.put("output.dir", out.toString());
        o.put("checkpoint.every", "1");
        o.put("checkpoint.keep", "2");
        for (int i = 0; i < more.length; i += 2) o.put(more[i], more[i + 1]);
        return ConfigLoader.load(Path.of("config/" + file), o);
    }

    private static TrainingJob job(ExperimentConfig c) {
        return new TrainingJob(c, new PrintStream(new ByteArrayOutputStream()), false);
    }

    /**
     * A finished run asked for again with another checkpoint.keep, or its data.dir spelt another way, is finished: it
     * was "finished" again from its last checkpoint, its model.zip rewritten and the not-a-digit check calibrate had
     * written into it dropped (a review lost 5 minutes of calibrate so). Another epoch count is still trained.
     */
    @Test
    void aFinishedRunStaysFinishedWhenOnlyWhereOrHowOftenToSaveChanges() throws Exception {
        job(config("one-layer.yaml", 1, "name", "f")).run();
        Path model = out.resolve("f").resolve("model.zip");
        byte[] before = Files.readAllBytes(model);
        for (String[] other : List.of(new String[]{"checkpoint.keep", "7"},
                new String[]{"data.dir", mnist.toAbsolutePath() + "/"})) {
            var console = new ByteArrayOutputStream();
            new TrainingJob(config("one-layer.yaml", 1, "name", "f", other[0], other[1]), new PrintStream(console), false)
                    .run(Resume.AUTO);
            assertTrue(console.toString().contains("Run 'f' is already finished"), other[0] + ": " + console);
            assertArrayEquals(before, Files.readAllBytes(model), other[0]);
        }
    }

    @Test
    void saveRestoreRoundTripIsExact() throws Exception {
        ExperimentConfig c = config("one-layer.yaml", 1);
        job(c).run();
        Path zip = out.resolve("one-layer/model.zip");
        ModelFiles.Loaded a = ModelFiles.load(zip, true);
        Path copy = out.resolve("copy.zip");
        ModelFiles.save(a.network(), copy, true, a.metadata().orElseThrow());
        ModelFiles.Loaded b = ModelFiles.load(copy, true);
        MultiLayerNetwork x = a.network(), y = b.network();
        assertEquals(x.params(), y.params());
        assertEquals(x.getUpdater().getStateViewArray(), y.getUpdater().getStateViewArray());
        assertEquals(x.getLayerWiseConfigurations(), y.getLayerWiseConfigurations());
        assertEquals(x.getIterationCount(), y.getIterationCount());
        var test = MnistSplits.loadTest(mnist);
        assertEquals(x.output(test.getFeatures()), y.output(test.getFeatures()));
        assertEquals(a.metadata(), b.metadata());

        // evaluate: same report, and the accuracy recorded at save time is reproduced exactly.
        var console = new ByteArrayOutputStream();
        PrintStream printed = new PrintStream(console, true);
        assertEquals(0, Main.run(new String[]{"evaluate", "--model", zip.toString(), "--data-dir", mnist.toString()},
                printed, System.err));
        assertEquals(0, Main.run(new String[]{"export", "--model", zip.toString(), "--out", out.toString()},
                printed, System.err));
        assertTrue(console.toString().contains("Recorded at save time: ") && console.toString().contains("identical"),
                console.toString());
        assertTrue(console.toString().contains("Confusion matrix"), console.toString());

        // export: an inference-only zip (no updater state, smaller) and the network definition as JSON.
        Path inference = out.resolve("model-inference.zip");
        ModelFiles.Loaded exported = ModelFiles.load(inference, true);
        assertFalse(exported.hasUpdaterState());
        assertTrue(Files.size(inference) < Files.size(zip));
        assertEquals(x.params(), exported.network().params());
        assertEquals(x.getLayerWiseConfigurations(), org.deeplearning4j.nn.conf.MultiLayerConfiguration.fromJson(
                Files.readString(out.resolve("model-network.json"))));
    }

    @Test
    void stoppedAfter2AndResumedTo4EqualsAnUninterrupted4EpochRun() throws Exception {
        ExperimentConfig two = config("two-layer.yaml", 2, "name", "interrupted");
        job(two).run();
        RunMetrics resumed = job(config("two-layer.yaml", 4, "name", "interrupted")).run(Resume.TRUE);
        RunMetrics straight = job(config("two-layer.yaml", 4, "name", "straight")).run();

        var a = ModelFiles.load(out.resolve("interrupted/model.zip"), true);
        var b = ModelFiles.load(out.resolve("straight/model.zip"), true);
        // Exact: the batch order is drawn from (seed, epoch), Adam's moments and step count are in the zip,
        // and the fused engine's dropout masks come from (seed, iteration) (job/RegularisedResumeTest; DL4J's own
        // fit draws them from ND4J's generator, whose position a checkpoint does not hold).
        assertEquals(b.network().params(), a.network().params());
        assertEquals(b.network().getUpdater().getStateViewArray(), a.network().getUpdater().getStateViewArray());
        assertEquals(4, resumed.history().size(), "history continues instead of starting over");
        assertEquals(straight.history().get(3).validationAccuracy(), resumed.history().get(3).validationAccuracy());
        assertEquals(straight.test().accuracy(), resumed.test().accuracy());
    }

    @Test
    void keepsTheLastKAndBestIsTheBestValidationAccuracy() throws Exception {
        RunMetrics m = job(config("one-layer.yaml", 4)).run();
        CheckpointStore store = job(config("one-layer.yaml", 4)).checkpoints();
        assertEquals(List.of("epoch-04.zip", "epoch-03.zip"),
                store.list().stream().map(p -> p.getFileName().toString()).toList());
        double bestAcc = m.history().stream().mapToDouble(EpochStats::validationAccuracy).max().orElseThrow();
        ModelMetadata best = ModelFiles.load(store.dir().resolve(CheckpointStore.BEST), false).metadata().orElseThrow();
        assertEquals(bestAcc, best.validationAccuracy());
        ModelMetadata last = ModelFiles.load(store.latest().orElseThrow(), false).metadata().orElseThrow();
        assertEquals(4, last.epoch());
        assertEquals(4 * 40, last.iteration());
        assertEquals(m.history(), last.history());
        try (var files = Files.list(store.dir())) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".tmp-")));
        }
    }

    @Test
    void latestIgnoresTempFilesAndPicksTheHighestEpoch() throws Exception {
        job(config("one-layer.yaml", 2)).run();
        CheckpointStore store = job(config("one-layer.yaml", 2)).checkpoints();
        Files.writeString(store.dir().resolve(".tmp-epoch-09.zip-123"), "half a zip");
        Files.writeString(store.dir().resolve("epoch-07.zip.partial"), "not ours");
        assertEquals("epoch-02.zip", store.latest().orElseThrow().getFileName().toString());
    }

    @Test
    void resumingAFinishedRunDoesNothing() throws Exception {
        RunMetrics first = job(config("one-layer.yaml", 1)).run();
        Path model = out.resolve("one-layer/model.zip");
        var modified = Files.getLastModifiedTime(model);
        for (Resume mode : List.of(Resume.TRUE, Resume.AUTO)) {
            var console = new ByteArrayOutputStream();
            RunMetrics again = new TrainingJob(config("one-layer.yaml", 1), new PrintStream(console), false).run(mode);
            assertEquals(first.test().accuracy(), again.test().accuracy());
            assertEquals(first.history(), again.history());
            assertTrue(console.toString().contains("already finished: ") && console.toString().contains(" holds its model, "
                    + "metrics and reports of 1 epochs. Nothing to do (raise training.epochs to train further)."),
                    console.toString());
            assertEquals(modified, Files.getLastModifiedTime(model), "nothing rewritten");
        }
        // Saved with checkpoint.every: 0, it has no checkpoint: --resume said "Nothing to resume", --resume=auto finished
        job(config("one-layer.yaml", 1, "name", "no-checkpoints", "checkpoint.every", "0")).run();
        var console = new ByteArrayOutputStream();
        new TrainingJob(config("one-layer.yaml", 1, "name", "no-checkpoints", "checkpoint.every", "0"),
                new PrintStream(console), false).run(Resume.TRUE);
        assertTrue(console.toString().contains("Run 'no-checkpoints' is already finished"), console.toString());
    }

    /**
     * --test-each-epoch's file after a kill and a resume: every epoch's row, the wall-clock counted on (the resume
     * rewrote it with its own epochs only, and "time to 99%" read from it came out wrong).
     */
    @Test
    void aResumedRunKeepsItsTestCurve() throws Exception {
        new TrainingJob(config("one-layer.yaml", 2), new PrintStream(new ByteArrayOutputStream()), false, true).run();
        Path csv = out.resolve("one-layer").resolve(TestCurveListener.FILE);
        List<String> first = Files.readAllLines(csv);
        new TrainingJob(config("one-layer.yaml", 3), new PrintStream(new ByteArrayOutputStream()), false, true)
                .run(Resume.TRUE);
        List<String> rows = Files.readAllLines(csv);
        assertEquals(first, rows.subList(0, 3), "the header and epochs 1-2 as the first run wrote them");
        assertEquals(4, rows.size(), rows.toString());
        assertTrue(rows.get(3).startsWith("3,"), rows.toString());
        // seconds to the millisecond, as metrics.json: a 0.049 s epoch was written 0.0 (a review)
        assertTrue(rows.get(3).matches("3,0\\.\\d{4},\\d+\\.\\d{3},\\d+\\.\\d{3}"), rows.toString());
        double before = Double.parseDouble(first.get(2).split(",")[3]);
        assertTrue(Double.parseDouble(rows.get(3).split(",")[3]) > before, "wall-clock counted on: " + rows);
    }

    /**
     * Compare and sweeps decide "train afresh" before they hold a run's lock; when another process finished the run
     * in between, the run is kept, not moved aside and trained again. Plain train with resume false still starts afresh.
     */
    @Test
    void aRunFinishedBeforeTheLockIsKeptForCompareAndSweeps() throws Exception {
        RunMetrics first = new TrainingJob(config("one-layer.yaml", 1), new PrintStream(new ByteArrayOutputStream()),
                false).run();
        Path model = out.resolve("one-layer").resolve("model.zip");
        var modified = Files.getLastModifiedTime(model);
        RunMetrics kept = new TrainingJob(config("one-layer.yaml", 1), new PrintStream(new ByteArrayOutputStream()),
                false).run(Resume.FALSE, true);
        assertEquals(first.history(), kept.history());
        assertEquals(modified, Files.getLastModifiedTime(model), "nothing trained or rewritten");
        assertFalse(Files.exists(out.resolve("one-layer").resolve(".previous")), "nothing moved aside");
        new TrainingJob(config("one-layer.yaml", 1), new PrintStream(new ByteArrayOutputStream()), false).run(Resume.FALSE);
        assertTrue(Files.exists(out.resolve("one-layer").resolve(".previous")), "train --resume=false starts afresh");
    }

    /** -Dresume=auto over a run that wrote no checkpoint: it told the user to use -Dresume=auto. */
    @Test
    void autoOverARunWithoutCheckpointsSaysWhyItStartsAfresh() {
        new TrainingJob(config("one-layer.yaml", 1, "checkpoint.every", "0"), new PrintStream(new ByteArrayOutputStream()),
                false).run();
        var console = new ByteArrayOutputStream();
        new TrainingJob(config("one-layer.yaml", 2, "checkpoint.every", "0"), new PrintStream(console), false)
                .run(Resume.AUTO);
        assertTrue(console.toString().contains("(it left no checkpoint to resume: none written yet, or checkpoint.every "
                + "is 0)."), console.toString());
    }

    @Test
    void resumingWithNoCheckpointSaysSoAndDoesNotStartFresh() {
        UserError e = assertThrows(UserError.class, () -> job(config("one-layer.yaml", 1)).run(Resume.TRUE));
        assertTrue(e.getMessage().contains("Nothing to resume"), e.getMessage());
        assertTrue(e.getMessage().contains("checkpoints"), e.getMessage());
        assertFalse(Files.exists(out.resolve("one-layer")), "no run folder, no lock file left behind");
    }

    @Test
    void resumingAnotherArchitectureNamesBoth() {
        job(config("one-layer.yaml", 1, "training.epochs", "1")).run();
        // two-layer.yaml pointed at one-layer's run folder: the tutorial's NotFoundError, explained.
        UserError e = assertThrows(UserError.class, () -> job(config("two-layer.yaml", 3, "name", "one-layer")).run(Resume.TRUE));
        assertTrue(e.getMessage().contains("784-256-10"), e.getMessage());
        assertTrue(e.getMessage().contains("784-256-64-10"), e.getMessage());
    }

    @Test
    void freshRunMovesAnEarlierRunAside() throws Exception {
        job(config("one-layer.yaml", 3)).run();
        var console = new ByteArrayOutputStream();
        new TrainingJob(config("one-layer.yaml", 1), new PrintStream(console), false).run();
        Path previous = out.resolve("one-layer").resolve(RunFolder.PREVIOUS);
        assertTrue(console.toString().contains("Starting 'one-layer' from scratch: moved the 7 file(s) and folder(s) of "
                + "an earlier run in " + out.resolve("one-layer") + " to " + previous), console.toString());
        assertEquals(1, CheckpointStore.epochOf(job(config("one-layer.yaml", 1)).checkpoints().latest().orElseThrow()));
        assertEquals(3, ModelFiles.load(previous.resolve("model.zip"), false).metadata().orElseThrow().epoch(),
                "the earlier run stays recoverable");
        assertEquals(3, CheckpointStore.epochOf(new CheckpointStore(previous, 2).latest().orElseThrow()));
    }

    /**
     * A crash-safety review: a fresh start over a finished run, killed in its first epoch (it had moved the run into
     * .previous and written only its config and progress), then rerun: the rerun moved those two files into .previous
     * in place of the finished run, deleting the only copy of its model, checkpoints and metrics. A start that trained
     * nothing is no earlier run: its files are removed, said so, and .previous keeps the trained run.
     */
    @Test
    void aStartThatTrainedNothingNeverReplacesTheTrainedRunInPrevious() throws Exception {
        job(config("one-layer.yaml", 2, "name", "p")).run();
        Path p = out.resolve("p");
        byte[] model = Files.readAllBytes(p.resolve("model.zip"));
        // The killed start, as it left the folder: the run moved aside, its own config and progress written.
        new RunFolder(p).moveEarlierRunAside();
        Files.writeString(p.resolve("config.resolved.yaml"), "name: p\n");
        var started = RunProgress.start(p, new RunProgress.Started("p", "784-256-10", 1, 50, "fused", "adam",
                RunProgress.pid(), RunProgress.host(), "2026-12-07T00:00:00Z", null), List.of());
        Files.createDirectories(p.resolve(CheckpointStore.FOLDER));
        var console = new ByteArrayOutputStream();
        new TrainingJob(config("one-layer.yaml", 1, "name", "p"), new PrintStream(console), false).run(Resume.AUTO);
        assertTrue(console.toString().contains("Starting 'p' from scratch: removed checkpoints, config.resolved.yaml, "
                + "progress.jsonl, left in " + p + " by a start that saved no model (nothing to resume, or this same config "
                + "started again); the "
                + "run before it stays in "
                + p.resolve(RunFolder.PREVIOUS)), console.toString());
        assertArrayEquals(model, Files.readAllBytes(p.resolve(RunFolder.PREVIOUS).resolve("model.zip")));
        assertEquals(2, CheckpointStore.epochOf(new CheckpointStore(p.resolve(RunFolder.PREVIOUS), 2).latest().orElseThrow()));
        assertEquals(1, CheckpointStore.epochOf(job(config("one-layer.yaml", 1, "name", "p")).checkpoints().latest().orElseThrow()));

        // A later review: a start killed after a few epochs (best.zip and three epochs of progress, no epoch-NN.zip at
        // checkpoint.every 5) has no model and nothing to resume either; moved aside, it replaced the finished run in
        // .previous, the only copy. Removed instead, .previous kept.
        byte[] finished = Files.readAllBytes(p.resolve("model.zip"));
        new RunFolder(p).moveEarlierRunAside();
        Files.writeString(p.resolve("config.resolved.yaml"), "name: p\n");
        started = RunProgress.start(p, new RunProgress.Started("p", "784-256-10", 50, 50, "fused", "adam",
                RunProgress.pid(), RunProgress.host(), "2026-12-07T00:00:00Z", null), List.of());
        for (int e = 1; e <= 3; e++) started.epoch(new EpochStats(e, 0.5, 0.4, 0.9, 1.0, 0.1, 1500));
        Files.createDirectories(p.resolve(CheckpointStore.FOLDER));
        Files.writeString(p.resolve(CheckpointStore.FOLDER).resolve("best.zip"), "the killed start's best");
        // with --test-each-epoch, its test curve too (a disk review: then it was moved aside, over the finished run)
        Files.writeString(p.resolve(RunFolder.TEST_CURVE), "epoch,test_accuracy\n1,0.9\n");
        RunFolder.Aside aside = new RunFolder(p).moveEarlierRunAside();
        assertEquals(List.of("checkpoints", "config.resolved.yaml", "progress.jsonl", RunFolder.TEST_CURVE),
                aside.removed().stream().sorted().toList());
        assertArrayEquals(finished, Files.readAllBytes(p.resolve(RunFolder.PREVIOUS).resolve("model.zip")));

        // The diff's review, still so where .previous holds no trained run: with checkpoint.every 0, a killed run leaves
        // no checkpoint, only its progress, whose epochs are its record: moved aside as a run's, not removed.
        Folders.deleteTree(p.resolve(RunFolder.PREVIOUS));
        Files.writeString(p.resolve("config.resolved.yaml"), "name: p\n");
        started = RunProgress.start(p, new RunProgress.Started("p", "784-256-10", 50, 50, "fused", "adam",
                RunProgress.pid(), RunProgress.host(), "2026-12-07T00:00:00Z", null), List.of());
        for (int e = 1; e <= 3; e++) started.epoch(new EpochStats(e, 0.5, 0.4, 0.9, 1.0, 0.1, 1500));
        new TrainingJob(config("one-layer.yaml", 1, "name", "p"), new PrintStream(new ByteArrayOutputStream()), false)
                .run(Resume.AUTO);
        assertEquals(3, RunProgress.read(p.resolve(RunFolder.PREVIOUS)).orElseThrow().epochs().size(), "the killed run's epochs");

        // A folders review: a fresh start of another config over the finished run, killed after its first checkpoint,
        // then the same command again: the fragment (a checkpoint, no model) was moved over the finished run in
        // .previous, the only copy of it. A fragment of the very config starting again is removed instead.
        ExperimentConfig wider = config("one-layer.yaml", 2, "name", "p", "model.hidden.0.units", "32");
        job(config("one-layer.yaml", 1, "name", "p")).run(); // finished again, of 1 epoch
        byte[] kept = Files.readAllBytes(p.resolve("model.zip"));
        new RunFolder(p).moveEarlierRunAside();
        Files.writeString(p.resolve("config.resolved.yaml"), ConfigLoader.toYaml(wider));
        Path checkpoints = Files.createDirectories(p.resolve(CheckpointStore.FOLDER));
        Files.copy(p.resolve(RunFolder.PREVIOUS).resolve("model.zip"), checkpoints.resolve("epoch-01.zip"));
        RunFolder.Aside again = new RunFolder(p).moveEarlierRunAside(ConfigLoader.toYaml(wider));
        assertEquals(List.of("checkpoints", "config.resolved.yaml"), again.removed().stream().sorted().toList());
        assertArrayEquals(kept, Files.readAllBytes(p.resolve(RunFolder.PREVIOUS).resolve("model.zip")), "the finished run");
        // of another config, it is a run of its own: moved aside as before
        Files.writeString(p.resolve("config.resolved.yaml"), ConfigLoader.toYaml(wider));
        Files.createDirectories(checkpoints);
        Files.copy(p.resolve(RunFolder.PREVIOUS).resolve("model.zip"), checkpoints.resolve("epoch-01.zip"));
        assertEquals(2, new RunFolder(p).moveEarlierRunAside(ConfigLoader.toYaml(config("one-layer.yaml", 2, "name", "p")))
                .moved());
    }

    /**
     * Issue 24: a run named X started afresh touched X.previous, another run's possible name; and a run named '.'
     * moved every other run aside. Now the earlier run is kept inside X's own folder and names cannot be paths.
     */
    @Test
    void freshRunTouchesNothingOutsideItsFolder() throws Exception {
        job(config("one-layer.yaml", 1, "name", "x.previous")).run();
        Path other = out.resolve("x.previous").resolve("model.zip");
        byte[] before = Files.readAllBytes(other);
        Files.createDirectories(out.resolve("keep"));
        Files.writeString(out.resolve("keep").resolve("notes.txt"), "not a run");
        for (int i = 0; i < 3; i++) job(config("one-layer.yaml", 1, "name", "x")).run();
        assertTrue(Files.isRegularFile(out.resolve("x").resolve(RunFolder.PREVIOUS).resolve("model.zip")));
        assertEquals(List.of(".previous", "checkpoints", "config.resolved.yaml", "metrics.json", "model.zip",
                "progress.jsonl", "report.html", "report.md"), sortedNames(out.resolve("x")).stream().filter(n -> !n.equals(RunLock.FILE)).toList());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(other)), "the run named x.previous is untouched");
        assertEquals("not a run", Files.readString(out.resolve("keep").resolve("notes.txt")));
        assertEquals(List.of("keep", "x", "x.previous"), sortedNames(out));
    }

    /**
     * A fresh start killed half-way through moving the earlier run aside (simulated: model.zip already moved, the
     * rest not): the next fresh start finishes that move, and the earlier run is whole in .previous. Moved straight
     * into .previous, the half already there was deleted with the older .previous.
     */
    @Test
    void aStartKilledWhileMovingTheEarlierRunLosesNothing() throws Exception {
        job(config("one-layer.yaml", 1, "name", "z")).run();
        job(config("one-layer.yaml", 2, "name", "z")).run(); // the earlier run to keep: 2 epochs; .previous holds the first
        Path z = out.resolve("z");
        byte[] model = Files.readAllBytes(z.resolve("model.zip"));
        Path staged = Files.createDirectories(z.resolve(".previous-next"));
        Files.move(z.resolve("model.zip"), staged.resolve("model.zip"));
        job(config("one-layer.yaml", 1, "name", "z")).run();
        Path previous = z.resolve(RunFolder.PREVIOUS);
        assertTrue(java.util.Arrays.equals(model, Files.readAllBytes(previous.resolve("model.zip"))), "the staged model kept");
        assertEquals(2, ModelFiles.load(previous.resolve("model.zip"), false).metadata().orElseThrow().epoch());
        assertEquals(List.of("checkpoints", "config.resolved.yaml", "metrics.json", "model.zip", "progress.jsonl",
                "report.html", "report.md"), sortedNames(previous));
        assertFalse(Files.exists(staged));
    }

    /**
     * A run named after a folder no run wrote (src with output.dir: ., say) moved its files into .previous, and a
     * second run deleted them. Now such a folder is refused and left exactly as it was; in an earlier run's folder a
     * fresh start moves only the run's files, and the user's own file stays through any number of fresh starts.
     */
    @Test
    void aFolderNoRunWroteIsLeftAlone() throws Exception {
        Path src = out.resolve("src");
        Files.createDirectories(src.resolve("main"));
        Files.writeString(src.resolve("A.java"), "class A {}");
        UserError fileAsOutput = assertThrows(UserError.class,
                () -> job(config("one-layer.yaml", 1, "output.dir", src.resolve("A.java").toString())).run());
        assertTrue(fileAsOutput.getMessage().startsWith("output.dir " + src.resolve("A.java") + " is a file, not a folder."),
                fileAsOutput.getMessage());
        UserError e = assertThrows(UserError.class, () -> job(config("one-layer.yaml", 1, "name", "src")).run());
        assertEquals("The run folder " + src + " already exists and holds files no run wrote (A.java, main): it is not "
                + "a run's folder, and mnist-fcn writes a run only into its own or a new one. Give the run another name "
                + "(name: in the config, -Dname=NAME or --set name=NAME) or another output.dir.", e.getMessage());
        assertThrows(UserError.class, () -> job(config("one-layer.yaml", 1, "name", "src")).run(Resume.AUTO));
        assertEquals(List.of("A.java", "main"), sortedNames(src), "not even a lock file left");

        job(config("one-layer.yaml", 1, "name", "y")).run();
        // A run that fails on its data leaves the earlier run where it was (it used to be moved aside first).
        Path notAFolder = Files.writeString(out.resolve("data.txt"), "not MNIST");
        assertThrows(UserError.class, () -> job(config("one-layer.yaml", 1, "name", "y", "data.dir", notAFolder.toString())).run());
        assertTrue(Files.isRegularFile(out.resolve("y").resolve("model.zip")));
        assertFalse(Files.exists(out.resolve("y").resolve(RunFolder.PREVIOUS)));
        Files.writeString(out.resolve("y").resolve("notes.txt"), "mine");
        for (int i = 0; i < 2; i++) {
            var console = new ByteArrayOutputStream();
            new TrainingJob(config("one-layer.yaml", 1, "name", "y"), new PrintStream(console), false).run();
            assertTrue(console.toString().contains("Left where they are, as no run writes them: notes.txt."), console.toString());
            assertEquals("mine", Files.readString(out.resolve("y").resolve("notes.txt")));
            assertTrue(Files.isRegularFile(out.resolve("y").resolve(RunFolder.PREVIOUS).resolve("model.zip")));
        }
    }

    @Test
    void dotNamesAreRefusedBeforeAnythingMoves() throws Exception {
        Files.createDirectories(out.resolve("keep"));
        Files.writeString(out.resolve("keep").resolve("model.zip"), "someone's model");
        for (String name : List.of(".", "..", ".hidden", "a/b", "../x", "")) {
            UserError e = assertThrows(UserError.class, () -> job(config("one-layer.yaml", 1, "name", name)).run(),
                    "name '" + name + "'");
            assertTrue(e.getMessage().contains("'name'") && e.getMessage().contains("not starting with '.'"), e.getMessage());
        }
        assertEquals(List.of("keep"), sortedNames(out));
        assertEquals("someone's model", Files.readString(out.resolve("keep").resolve("model.zip")));
    }

    private static List<String> sortedNames(Path dir) throws java.io.IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
