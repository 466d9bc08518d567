package dev.mnistfcn.cli;

import dev.mnistfcn.ModelProvenance;
import dev.mnistfcn.TestData;
import dev.mnistfcn.TestProcesses;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.network.NetworkFactory;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.ModelMetadata;
import dev.mnistfcn.storage.RunLock;
import dev.mnistfcn.sweep.ChildJvm;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    /**
     * A CLI review: calibrate of a link replaced the link with a plain file and left the zip it named without the
     * check. The check now goes into the zip the link names.
     */
    @Test
    void calibrateWritesIntoTheZipALinkNames(@TempDir Path tmp) throws Exception {
        Path real = java.nio.file.Files.writeString(java.nio.file.Files.createDirectories(tmp.resolve("store"))
                .resolve("real.zip"), "zip");
        Path link = java.nio.file.Files.createSymbolicLink(java.nio.file.Files.createDirectories(tmp.resolve("links"))
                .resolve("model.zip"), real);
        assertEquals(real.toRealPath(), CalibrateCommand.replaceable(link));
        assertEquals(real.toRealPath(), CalibrateCommand.replaceable(real));
    }

    /**
     * A review: calibrate beside a training of the zip's run lost minutes of work to "cannot write" or wrote the old
     * network's check into the new model.zip; a Fashion-MNIST model was calibrated for minutes for a check predict and
     * serve never use. Both refused before any work.
     */
    @Test
    void calibrateRefusesARunThatTrainsAndAModelOfAnotherDataset(@TempDir Path tmp) throws Exception {
        Path run = Files.createDirectories(tmp.resolve("models/r"));
        Path zip = run.resolve("model.zip");
        var net = NetworkFactory.build(ConfigLoader.load(
                Path.of("config/one-layer.yaml"), Map.of()));
        ModelFiles.save(net, zip, false, null);
        try (var training = RunLock.acquire(run)) {
            var err = new ByteArrayOutputStream();
            assertEquals(2, Main.run(new String[]{"calibrate", zip.toString()}, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true)));
            assertTrue(err.toString().startsWith("error: Run folder " + run + " is in use by another mnist-fcn run")
                    && err.toString().contains("calibrate a copy of the zip outside the run's folder"), err.toString());
        }
        var fashion = ModelProvenance.recorded("f", "name: f\n", 1L, "fused",
                new ModelProvenance.Data("fashion-mnist", Map.of(), 55_000, 5_000, 10_000), 1,
                "2026-01-01T00:00:00Z", Map.of());
        Path other = tmp.resolve("fashion.zip");
        ModelFiles.save(net, other, false, new ModelMetadata(fashion, 1, 0.5,
                0.7, 0.72, List.of()));
        var err = new ByteArrayOutputStream();
        var out = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[]{"calibrate", other.toString()}, new PrintStream(out, true),
                new PrintStream(err, true)));
        assertTrue(err.toString().startsWith("error: Cannot calibrate " + other + ": it was trained on Fashion-MNIST, "
                + "and the not-a-digit check is used only by predict and serve"), err.toString());
        assertFalse(out.toString().contains("Calibrating"), out.toString());
    }

    /**
     * A CLI review: bash leaves --out=~/x as it is, and export made a folder named "~" in the working folder; and under
     * LANG=C a path with an ü was a stack trace (InvalidPathException) from every command.
     */
    @Test
    void pathOptionsTakeTheHomeFolderAndAPathTheLocaleCannotNameIsOneParagraph(@TempDir Path tmp) {
        assertEquals(Path.of(System.getProperty("user.home"), "exp"), Main.path("~/exp"));
        assertEquals(Path.of("a/~/b"), Main.path("a/~/b"));
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"export", tmp.resolve("nothing.zip").toString(), "--out=" + "~/" + "\u0000"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("is not a path this system can name (Nul character not allowed)")
                && err.toString().contains("LANG=C.UTF-8"), err.toString());
        assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
        // ... also where an option's default comes from -D (ClassifierOptions reads -Dmodel when the command is built)
        System.setProperty("model", "a\u0000b.zip");
        try {
            var early = new ByteArrayOutputStream();
            assertEquals(2, Main.run(new String[]{"--version"}, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(early)), early.toString());
            assertTrue(early.toString().startsWith("error: 'a\\u0000b.zip' is not a path this system can name"),
                    early.toString());
        } finally {
            System.clearProperty("model");
        }
        var notNamed = Main.notAPath(new java.nio.file.InvalidPathException("/tmp/sp ace/??/sw??.yaml",
                "Malformed input or input contains unmappable characters"));
        assertTrue(notNamed.getMessage().startsWith("'/tmp/sp ace/??/sw??.yaml' is not a path this system can name"));
    }

    /**
     * Under LANG=C an argument's ö reached Java as U+FFFD and the relaunch gave the child '?': export wrote into a new
     * folder "??ut" (a review). Refused before the relaunch; read only under a locale that is not UTF-8.
     */
    @Test
    void anArgumentTheLocaleCouldNotReadIsRefusedBeforeTheRelaunch() {
        String was = System.getProperty("sun.jnu.encoding");
        try {
            System.setProperty("sun.jnu.encoding", "ANSI_X3.4-1968"); // what LANG=C gives; Java's files read it at start
            String refused = Main.unreadableArgument(new String[]{"export", "m.zip", "--out", "\uFFFD\uFFFDut"});
            assertTrue(refused != null && refused.contains("run with LANG=C.UTF-8"), refused);
            assertEquals(null, Main.unreadableArgument(new String[]{"export", "m.zip", "--out", "out"}));
            System.setProperty("sun.jnu.encoding", "UTF-8");
            assertEquals(null, Main.unreadableArgument(new String[]{"\uFFFD"}), "a UTF-8 locale reads every name");
        } finally {
            System.setProperty("sun.jnu.encoding", was);
        }
    }

    /** -Dname was dropped without a word by compare and sweep (the docs' reviewer): refused, as other ignored ones. */
    @Test
    void compareAndSweepRefuseDname() {
        System.setProperty("name", "foo");
        try {
            for (String[] args : new String[][]{{"compare", "one-layer.yaml"}, {"sweep", "config/sweeps/mnist-small.yaml"}}) {
                var err = new ByteArrayOutputStream();
                assertEquals(2, Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true)),
                        err.toString());
                assertTrue(err.toString().startsWith("error: -Dname=foo would be ignored: "), err.toString());
            }
        } finally {
            System.clearProperty("name");
        }
    }

    @Test
    void userMistakeGivesOneParagraphAndExitCode2() {
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"train", "--config", "config/two-layer.yaml", "--set", "training.updater.learning_rate=-1"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        String msg = err.toString();
        assertEquals(2, code);
        assertTrue(msg.startsWith("error: config/two-layer.yaml"), msg);
        assertTrue(msg.contains("'training.updater.learning_rate'"), msg);
        assertFalse(msg.contains("\tat "), "no stack trace: " + msg);
        assertEquals(1, msg.strip().lines().count(), msg);
    }

    /** serve --runs FILE served an empty runs page; a folder not made yet still serves (none until a run trains). */
    @Test
    void serveRefusesAFileAsItsRunsFolder() {
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"serve", "--runs", "README.md", "--port", "0"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().startsWith("error: --runs README.md is a file, not a folder."), err.toString());
    }

    /** A network too large for the heap: one paragraph naming the heap and the ways out, not a stack trace. */
    @Test
    @Tag("slow") // starts a JVM
    void outOfMemoryIsOneParagraph(@TempDir Path out) throws Exception {
        // 23.5 M parameters (under the config limit) in a 96 MiB heap: each copy of the weights alone is 94 MB.
        Process p = new ProcessBuilder(ChildJvm.command(List.of("-Xmx96m"), Main.class.getName(), List.of("train",
                "-c", "config/one-layer.yaml", "--quick", "--set", "model.hidden.0.units=30000", "--set",
                "output.dir=" + out, "--set", "data.dir=" + TestData.mnistDir().toAbsolutePath())))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes()).replace(AttachedChild.INCUBATOR_WARNING, "").strip();
        assertEquals(2, p.waitFor(), err);
        assertTrue(err.matches("error: out of memory \\(Java heap space\\): the 9\\d MiB heap of this JVM cannot hold "
                + "the network, its training state and the data\\. Use fewer units .*JAVA_TOOL_OPTIONS=-Xmx4g\\."), err);
        assertEquals(1, err.lines().count(), err);
    }

    /**
     * Ctrl+C during {@code train} (SIGINT to the command and its tuned child JVM, as a terminal sends it to both) says
     * which epoch it stopped in and the checkpoint {@code --resume=auto} continues from. It had exited 130 silently:
     * the child said nothing, and then what it said was lost with the pipe that stopping the child closed.
     */
    @Test
    @Tag("slow") // starts two JVMs
    void ctrlCDuringTrainingSaysWhichCheckpointAResumeContinuesFrom(@TempDir Path out) throws Exception {
        String said = ctrlCAfter(out.resolve("stopped/checkpoints/epoch-02.zip"), "train", "-c", "config/one-layer.yaml",
                "--no-progress", "--set", "name=stopped", "--set", "training.epochs=200", "--set", "data.train_limit=1000",
                "--set", "checkpoint.every=1", "--set", "output.dir=" + out, "--set", "data.dir="
                        + TestData.mnistDir().toAbsolutePath());
        var m = java.util.regex.Pattern.compile("Stopped during epoch (\\d+) of 200 of 'stopped'\\. The same command with "
                + "--resume=auto \\(-Dresume=auto with mvn exec:java\\) continues from epoch (\\d+)'s checkpoint, (.+)\\.")
                .matcher(said);
        assertTrue(m.matches(), said);
        int stoppedIn = Integer.parseInt(m.group(1)), from = Integer.parseInt(m.group(2));
        assertTrue(from >= 2 && (stoppedIn == from + 1 || stoppedIn == from + 2), said); // one may end meanwhile
        assertTrue(Files.isRegularFile(Path.of(m.group(3))) && m.group(3).endsWith(String.format("epoch-%02d.zip", from)),
                said);
    }

    /** Ctrl+C during {@code compare} says which of its runs stopped and that the same command continues it. */
    @Test
    @Tag("slow") // starts two JVMs
    void ctrlCDuringCompareSaysWhichRunStoppedAndThatTheSameCommandContinuesIt(@TempDir Path out) throws Exception {
        Path runs = out.resolve("runs");
        String said = ctrlCAfter(runs.resolve("one-layer-seed12345/checkpoints/epoch-02.zip"), "compare",
                "config/one-layer.yaml", "--seeds", "2", "--no-progress", "--out", out.resolve("report").toString(),
                "--set", "training.epochs=200", "--set", "data.train_limit=1000", "--set", "checkpoint.every=1",
                "--set", "output.dir=" + runs, "--set", "data.dir=" + TestData.mnistDir().toAbsolutePath());
        var m = java.util.regex.Pattern.compile("Stopped in run 1 of 2 of the comparison, during epoch (\\d+) of "
                + "200 of 'one-layer-seed12345'\\. The same compare command continues 'one-layer-seed12345' from epoch "
                + "(\\d+)'s checkpoint, (.+)\\.").matcher(said);
        assertTrue(m.matches(), said);
        assertTrue(Files.isRegularFile(Path.of(m.group(3))), said);
    }

    /**
     * Runs the CLI with {@code args} as from a plain shell (so that it relaunches), sends SIGINT to it and its child
     * once {@code file} exists, as a terminal's Ctrl+C does, and returns what it said on stderr; it must exit 130.
     */
    private static String ctrlCAfter(Path file, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeAll(List.of("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "MNIST_FCN_NO_RELAUNCH",
                NativeSettings.MARKER));
        Process command = pb.start();
        var err = TestProcesses.errorOutput(command);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(file)) {
            assertTrue(command.isAlive() && System.nanoTime() < deadline, "reached " + file);
            Thread.sleep(20);
        }
        TestProcesses.signal("INT", TestProcesses.withDescendants(command));
        assertTrue(command.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        String said = err.get(10, java.util.concurrent.TimeUnit.SECONDS).replace(AttachedChild.INCUBATOR_WARNING, "").strip();
        assertEquals(130, command.exitValue(), said);
        return said;
    }

    @Test
    void missingConfigExitsNonZero() {
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"train", "-c", "missing.yaml"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err));
        assertEquals(2, code);
        assertTrue(err.toString().contains("Config file 'missing.yaml' not found"), err.toString());
    }

    /**
     * Every help page renders as written: picocli reads a description as a format string, and a lone '%' in one
     * ("refuses 2% of the validation digits") made {@code --help} print a picocli warning and the raw text. And every
     * option's value is named for the user, not by its Java field ({@code --epochs=N}, not {@code --epochs=<epochs>}).
     */
    @Test
    void everyHelpPageRendersWithoutPicocliWarnings() {
        PrintStream saved = System.err;
        var err = new ByteArrayOutputStream();
        var pages = new StringBuilder();
        System.setErr(new PrintStream(err, true));
        try {
            var cli = new picocli.CommandLine(new Main());
            pages.append(cli.getUsageMessage());
            cli.getSubcommands().values().forEach(c -> pages.append(c.getUsageMessage()));
        } finally {
            System.setErr(saved);
        }
        assertEquals("", err.toString());
        assertTrue(pages.toString().contains("refuses 2% of the validation digits"), pages.toString());
        assertFalse(pages.toString().contains("%n"), pages.toString());
        assertFalse(pages.toString().contains("=<"), "every option's value has a label (N, DIR, FILE): " + pages);
    }

    /** The data is checked before the run's folder is made: a missing dataset left one holding only its lock. */
    @Test
    void aMissingDatasetStopsTrainBeforeTheRunFolderIsMade(@TempDir Path tmp) throws Exception {
        Path empty = java.nio.file.Files.createDirectory(tmp.resolve("empty")), out = tmp.resolve("out");
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"train", "-c", "config/fashion-one-layer.yaml", "--set", "data.dir=" + empty,
                "--set", "output.dir=" + out}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().startsWith("error: Fashion-MNIST not found: " + empty.toAbsolutePath()), err.toString());
        assertFalse(java.nio.file.Files.exists(out), "nothing written under " + out);
    }

    /** A finished run resumed says so without its data: the check before the run's folder fetched MNIST first. */
    @Test
    void resumingAFinishedRunNeedsNoData(@TempDir Path tmp) throws Exception {
        Path data = java.nio.file.Files.createDirectory(tmp.resolve("mnist")), out = tmp.resolve("out");
        for (String name : dev.mnistfcn.data.MnistFiles.EXPECTED.keySet()) {
            java.nio.file.Files.createSymbolicLink(data.resolve(name), TestData.mnistDir().resolve(name).toAbsolutePath());
        }
        String[] train = {"train", "-c", "config/two-layer.yaml", "--set", "data.dir=" + data, "--set", "output.dir=" + out,
                "--set", "training.epochs=1", "--set", "data.train_limit=2000", "--no-progress"};
        assertEquals(0, Main.run(train, new PrintStream(new ByteArrayOutputStream()), System.err));
        dev.mnistfcn.Folders.deleteTree(data);
        var said = new ByteArrayOutputStream();
        String[] resume = java.util.stream.Stream.concat(java.util.Arrays.stream(train), java.util.stream.Stream.of("--resume"))
                .toArray(String[]::new);
        PrintStream saved = System.out; // train prints on System.out, as the console listener does
        System.setOut(new PrintStream(said, true));
        try {
            assertEquals(0, Main.run(resume, new PrintStream(new ByteArrayOutputStream()), System.err));
        } finally {
            System.setOut(saved);
        }
        assertTrue(said.toString().contains("is already finished"), said.toString());
        assertFalse(java.nio.file.Files.exists(data), "nothing fetched into " + data);
    }

    /** Every subcommand's help offers -V; it printed nothing there, and the top level a hand-written 0.1.0. */
    @Test
    void everyCommandPrintsTheVersionFromPomXml() {
        for (String command : new String[]{"", "train", "predict", "serve", "calibrate", "sweep"}) {
            var out = new ByteArrayOutputStream();
            String[] args = command.isEmpty() ? new String[]{"--version"} : new String[]{command, "-V"};
            assertEquals(0, Main.run(args, new PrintStream(out), new PrintStream(new ByteArrayOutputStream())), command);
            assertEquals("mnist-fcn " + dev.mnistfcn.Versions.mnistFcn() + " (Deeplearning4j 1.0.0-M2.1, Java "
                    + System.getProperty("java.version") + ")", out.toString().strip(), command);
        }
        assertTrue(dev.mnistfcn.Versions.mnistFcn().startsWith("0.1.0"), dev.mnistfcn.Versions.mnistFcn());
    }

    /**
     * The child JVM's stderr reaches the user whole once its main ran, minus only the JVM's incubator-module notice
     * and the handshake line; without the handshake it is held back for the parent's warning.
     */
    @Test
    void childStderrLosesOnlyTheIncubatorNoticeAndTheHandshake() {
        String nl = System.lineSeparator();
        String notice = AttachedChild.INCUBATOR_WARNING + nl;
        String started = AttachedChild.STARTED + nl;
        assertEquals("Epoch 1 [===>   ]\rEpoch 1 [=====>]", childStderr(notice + started + "Epoch 1 [===>   ]\rEpoch 1 [=====>]", true));
        assertEquals("WARNING: something else\nafter", childStderr("WARNING: something else\n" + started + "after", true));
        assertEquals(notice, childStderr(started + notice, true)); // the program's own output is not filtered
        assertEquals("", childStderr("ERROR: transport error 202: bind failed\nWARNING: Using incub", false));
        assertEquals("", childStderr(notice, false));
    }

    private static String childStderr(String written, boolean started) {
        var out = new ByteArrayOutputStream();
        var handshake = new AttachedChild.Handshake();
        handshake.copy(new ByteArrayInputStream(written.getBytes()), new PrintStream(out));
        assertEquals(started, handshake.started, written);
        assertTrue(handshake.ended);
        if (!started) assertEquals(written.replace(AttachedChild.INCUBATOR_WARNING + System.lineSeparator(), ""),
                handshake.held.toString(), "held for the warning");
        return out.toString();
    }
}
