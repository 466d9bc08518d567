package dev.mnistfcn.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mnistfcn.Json;
import dev.mnistfcn.Launcher;
import dev.mnistfcn.Processes;
import dev.mnistfcn.eval.EpochStats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A run's progress while it trains: {@value #FILE} in its folder, one JSON line per event (started, each epoch,
 * finished), so that a page can follow the run live. Rewritten whole at each event through {@link AtomicFiles}: a
 * reader sees the file before or after an epoch, never half a line.
 *
 * <p>Whether a run still trains is told by its process: the started line holds the pid, host and start time, and a
 * run without a finished line whose process is gone was interrupted (killed, or ended by an error it did not write);
 * one that wrote a failed line failed. The reader never touches the run's lock, so watching a run can never stop one
 * from starting.
 */
public final class RunProgress {
    public static final String FILE = "progress.jsonl";
    /**
     * A progress file holds about 300 bytes per epoch; one larger than this (200,000 epochs) is not ours, and a
     * reader (the server's run pages) must not load it.
     */
    static final long MAX_BYTES = 64L << 20;
    private static final ObjectWriter LINE = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    /** FAILED: an error stopped it and said why (its {@code failed} line); INTERRUPTED: its process is gone, unsaid. */
    public enum State { RUNNING, FINISHED, INTERRUPTED, FAILED }

    /**
     * The first line: what is trained, how, and by which process; {@code launcherPid} is the process that one stops
     * with ({@link Launcher}), null when none (and in files written before it was recorded).
     */
    public record Started(String name, String architecture, int epochs, int batchSize, String engine, String settings,
                          long pid, String host, String startedAt, Long launcherPid) {
        /** Started by this process, stopping with its launcher if it has one. */
        public Started(String name, String architecture, int epochs, int batchSize, String engine, String settings,
                       long pid, String host, String startedAt) {
            this(name, architecture, epochs, batchSize, engine, settings, pid, host, startedAt,
                    pid == RunProgress.pid() ? Launcher.parent().map(ProcessHandle::pid).orElse(null) : null);
        }
    }

    /** The last line of a run that ended normally. */
    public record Finished(Double testAccuracy, Integer keptEpoch, String finishedAt) {
    }

    /** The last line of a run that stopped on an error (a diverged loss): what it said. */
    public record Failed(String error, String failedAt) {
    }

    /**
     * What a reader sees: the file's lines and the state they mean now; {@code error}: what stopped the run, where it
     * wrote it (null otherwise).
     */
    public record Snapshot(Started started, List<EpochStats> epochs, Finished finished, State state, String error) {
        public int epoch() {
            return epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).epoch();
        }

        /** The same lines with the state they mean now: a run's process may have ended since they were read. */
        public Snapshot now(Path runDir) {
            return new Snapshot(started, epochs, finished, RunProgress.state(started, finished, error,
                    runDir.resolve(FILE)), error);
        }
    }

    /**
     * What identifies the progress file's content without reading it (the file is replaced whole, never appended
     * to, so a new version is a new file), or empty where there is none: a reader that polls re-reads it only when
     * this changes.
     */
    public static Optional<Object> version(Path runDir) {
        return version(runDir, FILE);
    }

    /** As {@link #version(Path)}, of the file {@code name} in {@code folder}. */
    static Optional<Object> version(Path folder, String name) {
        return AtomicFiles.version(folder.resolve(name));
    }

    private final Path file;
    private final List<String> lines = new ArrayList<>();

    private RunProgress(Path file) {
        this.file = file;
    }

    /** Starts the file afresh with {@code started} and the epochs a resumed run already has. */
    public static RunProgress start(Path runDir, Started started, List<EpochStats> done) {
        RunProgress p = new RunProgress(runDir.resolve(FILE));
        p.lines.add(line("started", started));
        for (EpochStats e : done) p.lines.add(line("epoch", e));
        p.write();
        return p;
    }

    /** This process, for {@link Started}. */
    public static long pid() {
        return ProcessHandle.current().pid();
    }

    public static String host() {
        return RunLock.host();
    }

    public void epoch(EpochStats stats) {
        lines.add(line("epoch", stats));
        write();
    }

    public void finished(Finished finished) {
        lines.add(line("finished", finished));
        write();
    }

    public void failed(Failed failed) {
        lines.add(line("failed", failed));
        write();
    }

    private static String line(String event, Object value) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("event", event);
        node.setAll((ObjectNode) Json.MAPPER.valueToTree(value));
        try {
            return LINE.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write() {
        try {
            AtomicFiles.writeString(file, String.join("\n", lines) + "\n");
        } catch (IOException e) {
            // Progress is for watching: a full disk here must not stop the run; its checkpoints say what matters.
            System.err.println("Warning: cannot write " + file + ": " + e.getMessage());
        }
    }

    /** The progress of the run in {@code runDir}, if it has a progress file that can be read. */
    public static Optional<Snapshot> read(Path runDir) {
        Path f = runDir.resolve(FILE);
        try {
            if (!RunFolder.isRunsOwn(f, MAX_BYTES)) return Optional.empty();
            Started started = null;
            Finished finished = null;
            String error = null;
            List<EpochStats> epochs = new ArrayList<>();
            for (String s : Files.readAllLines(f)) {
                if (s.isBlank()) continue;
                JsonNode node = Json.MAPPER.readTree(s);
                switch (node.path("event").asText()) {
                    case "started" -> started = Json.MAPPER.treeToValue(node, Started.class);
                    case "epoch" -> epochs.add(Json.MAPPER.treeToValue(node, EpochStats.class));
                    case "finished" -> finished = Json.MAPPER.treeToValue(node, Finished.class);
                    case "failed" -> error = Json.MAPPER.treeToValue(node, Failed.class).error();
                    default -> { } // an event a newer version writes
                }
            }
            if (started == null) return Optional.empty();
            return Optional.of(new Snapshot(started, List.copyOf(epochs), finished, state(started, finished, error, f), error));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not ours or damaged by hand: metrics.json, if any, stands in (RunEvents.snapshot)
        }
    }

    /** A run that wrote its error has stopped, though its process may go on (a sweep's worker, to the next trial). */
    private static State state(Started started, Finished finished, String error, Path file) {
        return state(finished != null, error, () -> alive(started.pid(), started.host(), started.startedAt(), file)
                && (started.launcherPid() == null || alive(started.launcherPid(), started.host(), started.startedAt(), file)));
    }

    /**
     * A run's or a sweep's state from its file: finished once it says so, failed once it wrote an error, else running
     * while its process lives (asked only then), else interrupted.
     */
    static State state(boolean finished, String error, BooleanSupplier alive) {
        return finished ? State.FINISHED : error != null ? State.FAILED : alive.getAsBoolean() ? State.RUNNING
                : State.INTERRUPTED;
    }

    /** How long a run or sweep of another host counts as running after its file last changed. */
    static final Duration OTHER_HOST_QUIET = Duration.ofMinutes(15);

    /**
     * Whether the process that started a run (or a sweep) still runs it: same host, pid alive, and that process
     * began before the run did (a pid reused by a later process does not count). Another host's process cannot be
     * seen from here: its run counts as running while {@code file} changed in the last {@link #OTHER_HOST_QUIET}
     * (one copied from another machine, or left there by a crash, was "running" for ever, its stream never ending).
     */
    static boolean alive(long pid, String host, String startedAt, Path file) {
        if (!host().equals(host)) {
            try {
                Instant changed = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
                return changed.isAfter(Instant.now().minus(OTHER_HOST_QUIET));
            } catch (IOException e) {
                return false;
            }
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !Processes.running(p.get())) return false;
        Optional<Instant> began = p.get().info().startInstant();
        return began.isEmpty() || !began.get().isAfter(Instant.parse(startedAt));
    }
}
