package dev.mnistfcn.storage;

import dev.mnistfcn.eval.EpochStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress file's lines and the state a reader derives from them and the run's process. */
class RunProgressTest {
    @TempDir
    Path run;

    private static EpochStats epoch(int n) {
        return new EpochStats(n, 0.5 / n, 0.6 / n, 0.9 + n / 100.0, 1.5, 0.1, 55_000);
    }

    private static RunProgress.Started started(long pid, Instant at) {
        return new RunProgress.Started("two-layer", "784-256-64-10", 20, 50, "fused", "adam lr 0.01", pid,
                RunProgress.host(), at.toString());
    }

    @Test
    void aRunOfThisProcessIsRunningThenFinished() throws Exception {
        RunProgress p = RunProgress.start(run, started(RunProgress.pid(), Instant.now()), List.of(epoch(1), epoch(2)));
        p.epoch(epoch(3));
        RunProgress.Snapshot s = RunProgress.read(run).orElseThrow();
        assertEquals(RunProgress.State.RUNNING, s.state());
        assertEquals(3, s.epoch());
        assertEquals(List.of(epoch(1), epoch(2), epoch(3)), s.epochs(), "epochs read back exactly");
        assertEquals("784-256-64-10", s.started().architecture());
        p.finished(new RunProgress.Finished(0.9698, null, Instant.now().toString()));
        s = RunProgress.read(run).orElseThrow();
        assertEquals(RunProgress.State.FINISHED, s.state());
        assertEquals(0.9698, s.finished().testAccuracy());
        List<String> lines = Files.readAllLines(run.resolve(RunProgress.FILE));
        assertEquals(5, lines.size(), "one line per event");
        assertTrue(lines.get(0).startsWith("{\"event\":\"started\"") && lines.get(3).contains("\"validation_accuracy\""),
                lines.toString());
    }

    /** The server reads these files for its run pages: one far larger than a run writes, or a link, is not read. */
    @Test
    void anOversizedOrLinkedProgressFileIsNotRead() throws Exception {
        RunProgress.start(run, started(RunProgress.pid(), Instant.now()), List.of(epoch(1)));
        Path file = run.resolve(RunProgress.FILE);
        Path elsewhere = Files.createDirectory(run.resolve("elsewhere")).resolve("progress.jsonl");
        Files.copy(file, elsewhere);
        try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(RunProgress.MAX_BYTES + 1); // sparse: no disk written; valid lines first, then zeros
        }
        assertTrue(RunProgress.read(run).isEmpty(), "too large to be a run's");
        Files.delete(file);
        Files.createSymbolicLink(file, elsewhere);
        assertTrue(RunProgress.read(run).isEmpty(), "a link");
        Files.delete(file);
        Files.copy(elsewhere, file);
        assertEquals(1, RunProgress.read(run).orElseThrow().epoch(), "the same lines as a plain file");
    }

    @Test
    void aRunWhoseProcessIsGoneWasInterrupted() throws Exception {
        Process gone = new ProcessBuilder("sleep", "30").start();
        long pid = gone.pid();
        gone.destroyForcibly().waitFor();
        RunProgress.start(run, started(pid, Instant.now()), List.of(epoch(1)));
        assertEquals(RunProgress.State.INTERRUPTED, RunProgress.read(run).orElseThrow().state());
    }

    /** A relaunched child halts only once it notices its launcher is gone: the launcher's death is the run's end. */
    @Test
    void aRunWhoseLauncherIsGoneWasInterruptedThoughItsProcessStillRuns() throws Exception {
        Process launcher = new ProcessBuilder("sleep", "30").start();
        var s = started(RunProgress.pid(), Instant.now());
        RunProgress.start(run, new RunProgress.Started(s.name(), s.architecture(), s.epochs(), s.batchSize(), s.engine(),
                s.settings(), s.pid(), s.host(), s.startedAt(), launcher.pid()), List.of(epoch(1)));
        assertEquals(RunProgress.State.RUNNING, RunProgress.read(run).orElseThrow().state());
        launcher.destroyForcibly().waitFor();
        assertEquals(RunProgress.State.INTERRUPTED, RunProgress.read(run).orElseThrow().state());
    }

    @Test
    void aPidReusedByALaterProcessDoesNotCount() {
        // This JVM started before 'now minus a day' is false: a run started a day ago was not this process's.
        RunProgress.start(run, started(RunProgress.pid(), Instant.now().minusSeconds(86_400)), List.of());
        assertEquals(RunProgress.State.INTERRUPTED, RunProgress.read(run).orElseThrow().state());
    }

    /**
     * Another host's process cannot be seen from here: its run is running while its file changes, interrupted once it
     * has not for a quarter of an hour (one copied from another machine was "running" for ever, its stream endless).
     */
    @Test
    void anotherHostsRunIsRunningOnlyWhileItsFileChanges() throws Exception {
        var s = started(12345, Instant.now());
        RunProgress.start(run, new RunProgress.Started(s.name(), s.architecture(), s.epochs(), s.batchSize(), s.engine(),
                s.settings(), s.pid(), "buildbox-7", s.startedAt(), null), List.of(epoch(1)));
        assertEquals(RunProgress.State.RUNNING, RunProgress.read(run).orElseThrow().state(), "written just now");
        Files.setLastModifiedTime(run.resolve(RunProgress.FILE), java.nio.file.attribute.FileTime.from(
                Instant.now().minus(RunProgress.OTHER_HOST_QUIET).minusSeconds(60)));
        RunProgress.Snapshot stale = RunProgress.read(run).orElseThrow();
        assertEquals(RunProgress.State.INTERRUPTED, stale.state());
        assertEquals(RunProgress.State.INTERRUPTED, stale.now(run).state());
    }

    @Test
    void noFileOrAForeignFileIsNoProgress() throws Exception {
        assertTrue(RunProgress.read(run).isEmpty());
        Files.writeString(run.resolve(RunProgress.FILE), "not json\n");
        assertTrue(RunProgress.read(run).isEmpty());
    }
}
