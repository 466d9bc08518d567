package dev.mnistfcn.sweep;

import dev.mnistfcn.Json;
import dev.mnistfcn.TestData;
import dev.mnistfcn.TestProcesses;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.storage.RunFolder;
import dev.mnistfcn.storage.RunLock;
import dev.mnistfcn.storage.RunProgress;
import dev.mnistfcn.storage.SweepProgress;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real (tiny) sweeps on real MNIST in real worker processes: halving's resumes, results, reuse, kill and rerun. */
@Tag("slow") // sweeps in worker JVMs (docs/tests.md#test-tiers)
class SweepJobTest {
    @TempDir
    Path dir;

    /** Tiny trials: 2,000 training and 1,000 validation images, checkpoints every epoch. */
    private Path sweepFile(String name, int epochs, String rest) throws Exception {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, "name: " + name + "\nbase: two-layer.yaml\nset:\n  training.epochs: " + epochs
                + "\n  data.train_limit: 2000\n  data.validation_size: 1000\n  checkpoint.every: 1\n  data.dir: "
                + TestData.mnistDir().toAbsolutePath() + "\n  output.dir: " + dir.resolve("runs") + "\n" + rest);
        return f;
    }

    @Test
    void aHalvingSweepRanksResumesTheBestAndARerunTrainsNothing() throws Exception {
        SweepFile sweep = SweepFile.load(sweepFile("halve", 2, "parameters:\n  model.hidden.0.units: [8, 16, 32, 64]\n"
                + "  model.hidden.1.units: [8]\nhalving: {min_epochs: 1, keep_fraction: 0.5}\n"));
        var console = new ByteArrayOutputStream();
        SweepJob.Outcome o;
        try (var engine = new LocalEngine(2, 1)) {
            o = new SweepJob(new PrintStream(console, true, StandardCharsets.UTF_8)).run(sweep, engine);
        }
        String text = console.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("2 worker processes × 1 thread"), text);
        assertTrue(text.contains("sweep: 4 of 4 runs done") && text.contains("best so far t0"), text);
        assertEquals(4, o.runs(TrialRunner.How.TRAINED).size(), "round 1: every trial, 1 epoch");
        assertEquals(2, o.runs(TrialRunner.How.RESUMED).size(), "round 2: the best half, from their checkpoints");
        // The kept ones are the two best after one epoch; the cut ones rank below, with their one epoch.
        List<String> kept = o.ranked().subList(0, 2).stream().map(r -> r.trial().name() + "-seed12345").sorted().toList();
        assertEquals(kept, o.runs(TrialRunner.How.RESUMED).stream().sorted().toList());
        assertEquals(List.of(2, 2, 1, 1), o.ranked().stream().map(TrialResult::epochs).toList());
        double cutBest = o.ranked().get(2).runs().get(0).history().get(0).validationAccuracy();
        for (TrialResult r : o.ranked().subList(0, 2)) {
            assertTrue(r.runs().get(0).history().get(0).validationAccuracy() >= cutBest, "kept by epoch-1 accuracy");
        }
        assertTrue(o.ranked().get(0).mean() >= o.ranked().get(1).mean());
        // Each trial an ordinary run folder with its resolved config.
        for (TrialResult r : o.ranked()) {
            RunFolder f = RunFolder.of(sweep.config(r.trial(), 0));
            assertEquals(dir.resolve("runs/halve/" + r.trial().name() + "-seed12345"), f.dir());
            assertEquals(r.epochs(), ConfigLoader.load(f.resolvedConfig(), Map.of()).training().epochs());
        }
        // best.yaml is a ready config: the best trial's settings under the sweep's name, loadable as it is.
        ExperimentConfig best = ConfigLoader.load(o.bestConfig(), Map.of());
        ExperimentConfig bestRun = sweep.config(o.ranked().get(0).trial(), 0);
        assertEquals("halve-best", best.name());
        assertEquals(bestRun.model(), best.model());
        assertEquals(bestRun.training(), best.training());
        assertEquals(dir.resolve("runs").toString(), best.output().dir());
        String table = Files.readString(o.table());
        assertTrue(table.contains("| rank | trial | model.hidden.0.units | model.hidden.1.units | epochs | val_accuracy (mean ± std)"), table);
        assertEquals(2 + 4, table.lines().count());

        Document html = Jsoup.parse(Files.readString(o.html()));
        assertEquals(2, html.select("svg.scatter").size(), "one chart per parameter");
        assertEquals(4, html.select("svg.scatter").first().select("circle.dot").size(), "one dot per run");
        assertEquals(2, html.select("svg.scatter").first().select("circle.dot.cut").size(), "cut trials grey");
        assertEquals(1, html.select("svg.top-curves").size());
        String link = html.select("a.best").attr("href");
        assertTrue(Files.isRegularFile(o.folder().resolve(link)), link);
        assertTrue(html.select("script, link, iframe").isEmpty());
        // Its status file, as the runs page reads it: both rounds, the kept trials, every run, the same ranking.
        SweepProgress.Snapshot status = SweepProgress.read(o.folder()).orElseThrow();
        assertEquals(RunProgress.State.FINISHED, status.state());
        assertEquals(List.of(1, 2), status.status().roundEpochs());
        assertEquals(o.ranked().subList(0, 2).stream().map(r -> r.trial().name()).toList(),
                status.status().rounds().get(0).kept());
        assertEquals(6, status.status().runs().size());
        assertEquals(List.of("trained", "trained", "trained", "trained", "resumed", "resumed"),
                status.status().runs().stream().map(SweepProgress.RunEnded::how).sorted(java.util.Comparator.reverseOrder()).toList());
        assertEquals(o.ranked().stream().map(r -> r.trial().name()).toList(),
                status.status().standings().stream().map(SweepProgress.Standing::trial).toList());
        assertEquals(o.ranked().get(0).mean(), status.status().standings().get(0).mean());

        // Rerun: nothing trains, not even the kept trials' first round (their longer runs hold it).
        try (var engine = new LocalEngine(1, 1)) {
            var rerun = new ByteArrayOutputStream();
            var again = new SweepJob(new PrintStream(rerun, true, StandardCharsets.UTF_8)).run(sweep, engine);
            assertFalse(rerun.toString(StandardCharsets.UTF_8).contains("another config"), rerun.toString(StandardCharsets.UTF_8));
            assertEquals(6, again.runs(TrialRunner.How.REUSED).size());
            assertEquals(List.of(), again.runs(TrialRunner.How.TRAINED));
            assertEquals(List.of(), again.runs(TrialRunner.How.RESUMED));
            assertEquals(o.ranked().stream().map(r -> r.trial().name()).toList(),
                    again.ranked().stream().map(r -> r.trial().name()).toList());
            assertEquals(o.ranked().get(0).mean(), again.ranked().get(0).mean());
        }

        // The sweep file edited (other widths), same name: its t01 is another config, trained afresh, and that is said.
        SweepFile edited = SweepFile.load(sweepFile("halve", 1, "parameters:\n  model.hidden.0.units: [12]\n"));
        var editedConsole = new ByteArrayOutputStream();
        try (var engine = new LocalEngine(1, 1)) {
            var other = new SweepJob(new PrintStream(editedConsole, true, StandardCharsets.UTF_8)).run(edited, engine);
            assertEquals(List.of("t01-seed12345"), other.runs(TrialRunner.How.TRAINED));
        }
        String said = editedConsole.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("1 run folder(s) here hold runs of another config (a sweep with other trials, base or "
                + "set:, under this name): they are trained afresh, each earlier run's files moved to its .previous "
                + "folder."), said);
        assertTrue(Files.isDirectory(o.folder().resolve("t01-seed12345/.previous")), "the earlier t01 kept aside");
    }

    @Test
    void aKilledSweepRerunContinues() throws Exception {
        // 40 epochs of ~50 ms: t02 cannot finish between its first checkpoint and the kill (3 epochs once did, in CI).
        Path file = sweepFile("killed", 40, "parameters:\n  model.hidden.0.units: [16, 32]\n  model.hidden.1.units: [8]\n");
        SweepFile sweep = SweepFile.load(file);
        Path second = RunFolder.of(sweep.config(sweep.trials().get(1), 0)).checkpoints(3).dir();
        // The real CLI, one worker: t01 trains to the end, t02 is killed (with its parent) after its first checkpoint.
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(List.of(), "dev.mnistfcn.cli.Main",
                List.of("sweep", file.toString(), "--workers", "1"))).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process sweepProcess = pb.start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (!Files.exists(second.resolve("epoch-01.zip"))) {
            assertTrue(sweepProcess.isAlive() && System.nanoTime() < deadline, "the sweep reached t02's first checkpoint");
            Thread.sleep(10);
        }
        List<ProcessHandle> workers = sweepProcess.descendants().toList();
        sweepProcess.destroyForcibly(); // SIGKILL: nothing of the sweep gets to clean up
        sweepProcess.waitFor();
        for (ProcessHandle w : workers) { // workers stop with their parent
            TestProcesses.awaitEnded(w.pid(), java.time.Duration.ofSeconds(30), "a killed sweep's worker");
        }
        assertFalse(Files.exists(RunFolder.of(sweep.config(sweep.trials().get(1), 0)).metrics()), "t02 was cut short");
        // The runs page sees the killed sweep as interrupted, after the run it finished.
        SweepProgress.Snapshot killed = SweepProgress.read(sweep.folder()).orElseThrow();
        assertEquals(RunProgress.State.INTERRUPTED, killed.state());
        assertEquals(List.of("t01-seed12345"), killed.status().runs().stream().map(SweepProgress.RunEnded::run).toList());

        // A second sweep of the folder while one holds it is refused before it decides anything (two at once moved a
        // finished run aside to train it again); a killed sweep's cut-short write is removed by the next.
        Path cutShort = Files.writeString(sweep.folder().resolve(".tmp-results.md-5296742668320122472.mnist-fcn"), "half");
        Path usersOwn = Files.writeString(sweep.folder().resolve(".tmp-notes.txt"), "mine"); // deleted with it once
        try (var held = RunLock.acquireSweep(sweep.folder())) {
            UserError busy = assertThrows(UserError.class, () -> new SweepJob(new PrintStream(new ByteArrayOutputStream()))
                    .run(sweep, new InProcess()));
            assertTrue(busy.getMessage().startsWith("Sweep folder " + sweep.folder() + " is in use by another mnist-fcn "
                    + "run"), busy.getMessage());
        }
        try (var engine = new LocalEngine(1, 1)) {
            var rerun = new SweepJob(new PrintStream(new ByteArrayOutputStream())).run(sweep, engine);
            assertFalse(Files.exists(cutShort), "the cut-short write is gone");
            assertTrue(Files.exists(usersOwn), "a file the user put there stays");
            assertEquals(List.of("t01-seed12345"), rerun.runs(TrialRunner.How.REUSED), "finished: reused");
            assertEquals(List.of("t02-seed12345"), rerun.runs(TrialRunner.How.RESUMED), "unfinished: resumed");
            assertEquals(40, rerun.ranked().get(0).runs().get(0).history().size());
        }
    }

    /**
     * Ctrl+C on the {@code sweep} command (SIGINT to it and its workers, as a terminal sends it) ends it saying it was
     * interrupted, naming the worker and the trial. The line was often missing: the JVM's shutdown ended before the
     * sweep's main thread printed it (and first touching {@code JvmShutdown} during a shutdown was a stack trace).
     */
    @Test
    void ctrlCOnTheSweepCommandSaysItWasInterrupted() throws Exception {
        StoppedSweep s = stopSweepCommand("ctrlc", true);
        assertEquals(130, s.exitCode(), s.said());
        assertTrue(s.said().strip().endsWith("error: The sweep was interrupted (worker 1 was stopped by SIGINT while "
                + "training t01-seed12345); rerun the same command to continue it."), s.said());
        assertEquals(1, s.said().lines().filter(l -> l.contains("interrupted")).count(), s.said());
    }

    /**
     * A SIGTERM to the sweep's JVM alone (a scheduler's stop, {@code kill PID}) reaches no worker: the sweep stops
     * them, starts no trial and says it was interrupted. Waiting for that line had kept it training, new trials
     * included, until the JVM's 10 s were up (a review).
     */
    @Test
    void aSigtermToTheSweepAloneStopsItsWorkersAndStartsNoTrial() throws Exception {
        StoppedSweep s = stopSweepCommand("sigterm", false);
        assertEquals(143, s.exitCode(), s.said());
        assertTrue(s.said().strip().endsWith("error: The sweep was interrupted; rerun the same command to continue it."),
                s.said());
        for (ProcessHandle w : s.workers()) {
            TestProcesses.awaitEnded(w.pid(), java.time.Duration.ofSeconds(5), "the sweep's worker");
        }
        assertTrue(s.seconds() < 8, "ended " + s.seconds() + " s after the signal");
        assertFalse(Files.exists(RunFolder.of(s.sweep().config(s.sweep().trials().get(1), 0)).dir()),
                "the second trial never started");
    }

    record StoppedSweep(SweepFile sweep, int exitCode, String said, double seconds, List<ProcessHandle> workers) {
    }

    /**
     * Runs a 2-trial sweep through the CLI on one worker and signals it once its first trial has a checkpoint: SIGINT
     * to it and its worker ({@code group}), or SIGTERM to the sweep's JVM alone.
     */
    private StoppedSweep stopSweepCommand(String name, boolean group) throws Exception {
        Path file = sweepFile(name, 40, "parameters:\n  model.hidden.0.units: [16, 32]\n  model.hidden.1.units: [8]\n");
        SweepFile sweep = SweepFile.load(file);
        Path first = RunFolder.of(sweep.config(sweep.trials().get(0), 0)).checkpoints(3).dir().resolve("epoch-01.zip");
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(List.of(), "dev.mnistfcn.cli.Main",
                List.of("sweep", file.toString(), "--workers", "1"))).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process sweepProcess = pb.start();
        var err = TestProcesses.errorOutput(sweepProcess);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(first)) {
            assertTrue(sweepProcess.isAlive() && System.nanoTime() < deadline, "the sweep reached its first checkpoint");
            Thread.sleep(10);
        }
        List<ProcessHandle> workers = sweepProcess.descendants().toList();
        long sent = System.nanoTime();
        if (group) TestProcesses.signal("INT", TestProcesses.withDescendants(sweepProcess));
        else TestProcesses.signal("TERM", List.of(sweepProcess.toHandle()));
        assertTrue(sweepProcess.waitFor(60, TimeUnit.SECONDS));
        double seconds = (System.nanoTime() - sent) / 1e9;
        return new StoppedSweep(sweep, sweepProcess.exitValue(), err.get(10, TimeUnit.SECONDS), seconds, workers);
    }

    /**
     * An interrupted local engine stops its worker and trains nothing more: its feeder thread started a new worker
     * for the next trial after run() had thrown, and waiting on the first worker had cleared the interrupt (a review).
     */
    @Test
    void anInterruptedLocalEngineStopsItsWorkerAndTrainsNoMore() throws Exception {
        boolean stillInterrupted = stopMidTrial("interrupted", Thread::interrupt);
        assertTrue(stillInterrupted, "the caller's interrupt is kept");
    }

    /**
     * A worker stopped by SIGINT (Ctrl+C reaches every process of the terminal's group) ends the sweep as interrupted:
     * it had been reported as a failed trial, the sweep went on and ranked the rest as if finished.
     */
    @Test
    void aWorkerStoppedBySigintEndsTheSweepAsInterrupted() throws Exception {
        stopMidTrial("sigint", caller -> {
            try {
                TestProcesses.signal("INT", ProcessHandle.current().descendants().toList());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Runs three trials on one worker, stops them with {@code stop} once the first reached its first checkpoint, and
     * checks that the engine says the sweep was interrupted, reports nothing and starts no more; whether the caller
     * still has its interrupt.
     */
    private boolean stopMidTrial(String name, java.util.function.Consumer<Thread> stop) throws Exception {
        SweepFile sweep = SweepFile.load(sweepFile(name, 40,
                "parameters:\n  model.hidden.0.units: [16, 32, 64]\n  model.hidden.1.units: [8]\n"));
        List<ExperimentConfig> runs = sweep.trials().stream().map(t -> sweep.config(t, 0)).toList();
        List<TrialRunner.Done> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        var thrown = new java.util.concurrent.CompletableFuture<Throwable>();
        var stillInterrupted = new java.util.concurrent.atomic.AtomicBoolean();
        Thread caller = new Thread(() -> {
            try (var engine = new LocalEngine(1, 1)) {
                engine.run(runs, reported::add);
                thrown.complete(null);
            } catch (Throwable t) {
                stillInterrupted.set(Thread.currentThread().isInterrupted());
                thrown.complete(t);
            }
        });
        caller.start();
        Path first = RunFolder.of(runs.get(0)).checkpoints(3).dir().resolve("epoch-01.zip");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(first)) {
            assertTrue(System.nanoTime() < deadline, "the first trial reached its first checkpoint");
            Thread.sleep(10);
        }
        stop.accept(caller);
        Throwable t = thrown.get(30, TimeUnit.SECONDS);
        assertTrue(t instanceof UserError && t.getMessage().startsWith("The sweep was interrupted"), String.valueOf(t));
        Thread.sleep(1000); // time for a feeder that carried on to start the next trial's worker
        assertEquals(List.of(), ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList());
        assertFalse(Files.exists(RunFolder.of(runs.get(1)).dir()), "the next trial never started");
        assertEquals(List.of(), reported, "the cut trial is neither trained nor failed");
        return stillInterrupted.get();
    }

    /** A failed trial is named in results.md and report.html, which left it out without a word (a review). */
    @Test
    void aFailedTrialIsNamedInTheResults() throws Exception {
        SweepFile sweep = SweepFile.load(sweepFile("fails", 1, "  training.updater.type: sgd\nparameters:\n"
                + "  training.updater.learning_rate: [0.01, 1000000]\n"));
        SweepJob.Outcome o = new SweepJob(new PrintStream(new ByteArrayOutputStream())).run(sweep, new InProcess());
        assertEquals(List.of("t02-seed12345"), o.runs(TrialRunner.How.FAILED));
        String said = "Failed, so not ranked (each one's error is in the console and in sweep-progress.json): t02-seed12345.";
        assertTrue(Files.readString(o.table()).endsWith("\n" + said + "\n"), Files.readString(o.table()));
        assertEquals(said, Jsoup.parse(Files.readString(o.html())).select("p.failed").text());

        // Every run failed: the message, also the live page's, points where each error is ("see the errors above"
        // had nothing above it on the page: a review).
        SweepFile all = SweepFile.load(sweepFile("allfail", 1, "  training.updater.type: sgd\nparameters:\n"
                + "  training.updater.learning_rate: [1000000]\n"));
        UserError e = assertThrows(UserError.class, () -> new SweepJob(new PrintStream(new ByteArrayOutputStream()))
                .run(all, new InProcess()));
        assertTrue(e.getMessage().startsWith("Sweep 'allfail': no run finished (1 failed; each one's error is printed "
                + "with its FAILED line and listed with the run on the live page)."), e.getMessage());
        assertEquals(e.getMessage(), SweepProgress.read(all.folder()).orElseThrow().status().error());
    }

    /** Trains each run in this JVM, one after another: the same TrialRunner as a worker process, without its start. */
    private static final class InProcess implements TrialEngine {
        @Override
        public void run(List<ExperimentConfig> runs, java.util.function.Consumer<TrialRunner.Done> done) {
            runs.forEach(c -> done.accept(TrialRunner.inWorker(ConfigLoader.toYaml(c)))); // as a worker, failures included
        }

        @Override
        public String describe() {
            return "in process";
        }
    }

    private static RunMetrics metrics(SweepFile sweep, TrialResult r) throws Exception {
        return Json.MAPPER.readValue(RunFolder.of(sweep.config(r.trial(), 0)).metrics().toFile(), RunMetrics.class);
    }

    /** The epoch whose weights model.zip holds, as metrics.json records it. */
    private static EpochStats kept(RunMetrics m) {
        return m.history().get(m.earlyStopping().bestModelEpoch() - 1);
    }

    /**
     * Without halving, fewer training.epochs on a rerun reused the longer runs: a cut-down validation reading beside
     * the longer model's test accuracy and model.zip. Now they are trained afresh, the longer ones kept aside.
     */
    @Test
    void aRerunWithFewerEpochsTrainsAfreshWithoutHalving() throws Exception {
        SweepFile two = SweepFile.load(sweepFile("fewer", 2, "parameters:\n  model.hidden.0.units: [8]\n  model.hidden.1.units: [8]\n"));
        var first = new SweepJob(new PrintStream(new ByteArrayOutputStream())).run(two, new InProcess());
        assertEquals(List.of("t01-seed12345"), first.runs(TrialRunner.How.TRAINED));
        SweepFile one = SweepFile.load(sweepFile("fewer", 1, "parameters:\n  model.hidden.0.units: [8]\n  model.hidden.1.units: [8]\n"));
        var again = new SweepJob(new PrintStream(new ByteArrayOutputStream())).run(one, new InProcess());
        assertEquals(List.of("t01-seed12345"), again.runs(TrialRunner.How.TRAINED), "not reused from the 2-epoch run");
        RunMetrics m = metrics(one, again.ranked().get(0));
        assertEquals(1, m.history().size());
        assertEquals(m.test().accuracy(), again.ranked().get(0).testAccuracyMean(), "its own test figures");
        assertEquals(1, ConfigLoader.load(RunFolder.of(one.config(again.ranked().get(0).trial(), 0)).resolvedConfig(),
                Map.of()).training().epochs());
        assertTrue(Files.isDirectory(again.folder().resolve("t01-seed12345/.previous")), "the 2-epoch run kept aside");
    }

    @Test
    void anEarlyStoppedTrialIsScoredByItsKeptEpochAndRankedByItNotByHowLongItTrained() throws Exception {
        SweepFile sweep = SweepFile.load(sweepFile("es", 15, "  training.early_stopping.patience: 1\n"
                + "parameters:\n  model.hidden.0.units: [16, 32, 64]\n  model.hidden.1.units: [8]\nmetric: val_accuracy\n"));
        SweepJob.Outcome o = new SweepJob(new PrintStream(new ByteArrayOutputStream())).run(sweep, new InProcess());
        assertEquals(3, o.runs(TrialRunner.How.TRAINED).size());
        boolean anyStopped = false;
        for (TrialResult r : o.ranked()) {
            RunMetrics m = metrics(sweep, r);
            anyStopped |= m.earlyStopping().stoppedEarly();
            assertEquals(kept(m).validationAccuracy(), r.mean(), r.trial().name() + ": the kept epoch's, what model.zip holds");
            assertEquals(kept(m).validationLoss(), Metric.VAL_LOSS.of(m));
            assertEquals(15, r.epochs(), "the round's epochs, however many it trained");
        }
        assertTrue(anyStopped, "patience 1 on 2,000 images stops early");
        for (int i = 1; i < o.ranked().size(); i++) {
            assertTrue(o.ranked().get(i - 1).mean() >= o.ranked().get(i).mean(), "ranked by the kept epochs' accuracy");
        }
        String table = Files.readString(o.table());
        assertTrue(table.contains("| epochs | val_accuracy of the kept epoch (mean ± std) |"), table);
        RunMetrics first = metrics(sweep, o.ranked().get(0));
        assertTrue(table.contains("| 8 | " + first.history().size() + " (kept " + first.earlyStopping().bestModelEpoch()
                + ") | " + String.format(java.util.Locale.ROOT, "%.4f", kept(first).validationAccuracy())), table);
    }

    @Test
    void halvingReusesATrialThatStoppedBeforeItsNextRoundAndReplaysTheStopInAnEarlierOne() throws Exception {
        // Rounds of 2, 4, 8, 16 and 30 epochs: patience 1 ends the survivor long before the last ones.
        SweepFile sweep = SweepFile.load(sweepFile("halve-es", 30, "  training.early_stopping.patience: 1\n"
                + "parameters:\n  model.hidden.0.units: [16, 64]\n  model.hidden.1.units: [8]\n"
                + "halving: {min_epochs: 2, keep_fraction: 0.5}\n"));
        List<Integer> rounds = sweep.halving().rounds(30);
        assertEquals(List.of(2, 4, 8, 16, 30), rounds);
        SweepJob.Outcome o = new SweepJob(new PrintStream(new ByteArrayOutputStream())).run(sweep, new InProcess());
        TrialResult survivor = o.ranked().get(0);
        assertEquals(30, survivor.epochs());
        assertEquals(2, o.ranked().get(1).epochs());
        RunMetrics m = metrics(sweep, survivor);
        int stop = m.history().size();
        assertTrue(m.earlyStopping().stoppedEarly() && stop <= 16, "stopped before the last round: " + stop);
        assertEquals(kept(m).validationAccuracy(), survivor.mean());
        // Rounds up to the one it stopped in resume it; the later ones reuse that finished run instead of resuming it.
        int stoppedIn = rounds.stream().filter(e -> e >= stop).findFirst().orElseThrow();
        long later = rounds.stream().filter(e -> e > stoppedIn).count();
        assertEquals(2, o.runs(TrialRunner.How.TRAINED).size());
        assertEquals(rounds.indexOf(stoppedIn), o.runs(TrialRunner.How.RESUMED).size());
        assertEquals(later, o.runs(TrialRunner.How.REUSED).size());

        // Its 2-epoch round, read back from the longer run: early stopping replayed over those 2 epochs.
        RunMetrics round1 = SweepJob.finished(sweep.config(survivor.trial(), 0, Map.of("training.epochs", "2")), true).orElseThrow();
        int best = m.history().get(1).validationLoss() < m.history().get(0).validationLoss() ? 2 : 1;
        assertEquals(best, round1.earlyStopping().bestModelEpoch());
        assertEquals(2, round1.earlyStopping().totalEpochs());
        assertEquals(m.history().get(best - 1).validationAccuracy(), Metric.VAL_ACCURACY.of(round1));

        var again = new SweepJob(new PrintStream(new ByteArrayOutputStream())).run(sweep, new InProcess());
        assertEquals(List.of(), again.runs(TrialRunner.How.TRAINED));
        assertEquals(List.of(), again.runs(TrialRunner.How.RESUMED));
        assertEquals(2 + rounds.size() - 1, again.runs(TrialRunner.How.REUSED).size());
        assertEquals(survivor.mean(), again.ranked().get(0).mean());
    }
}
