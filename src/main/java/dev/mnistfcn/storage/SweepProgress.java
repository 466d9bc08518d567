package dev.mnistfcn.storage;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mnistfcn.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A sweep's progress while it runs, for the runs page: {@value #FILE} in the sweep's folder, one JSON object
 * rewritten whole through {@link AtomicFiles} when the sweep starts, as each run ends, and as each halving round
 * ends, so a reader sees it before or after an event, never half of one. The sweep (one process, whatever engine
 * trains its runs) is its only writer. Its state is told as a run's is ({@link RunProgress}): a sweep without
 * {@code finished_at} whose process is gone was interrupted.
 */
public final class SweepProgress {
    public static final String FILE = "sweep-progress.json";
    /** A status file is a few kB per trial; one larger than this is not ours (a reader must not load anything). */
    static final long MAX_BYTES = 16L << 20;

    /** A point of the search space: its swept values, and each value as short as tables show it ({@code 256-64}). */
    public record Trial(String name, Map<String, String> values, Map<String, String> labels) {
    }

    /** A round: which trials train to how many epochs, their run names, and (once it ends) the trials kept. */
    public record Round(int round, int epochs, List<String> trials, List<String> runs,
                        @JsonInclude(JsonInclude.Include.NON_NULL) List<String> kept) {
    }

    /**
     * A run that ended, in the order they ended: how (trained, resumed, reused, failed), the metric of the epoch its
     * model holds, and its test accuracy (reported only).
     */
    public record RunEnded(String run, String trial, int round, int epochs, String how, Double value, Double testAccuracy,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String error, String endedAt) {
    }

    /** A trial's figures over its seeds at the last round all its seeds finished. */
    public record Standing(String trial, int epochs, double mean, double std, Double testAccuracy, int seeds) {
    }

    /** The whole file. {@code standings}: best first, by the sweep's own ranking; its first is the best so far. */
    public record Status(String name, String file, String base, String strategy, String metric, int seeds,
                         List<String> parameters, List<Integer> roundEpochs, List<Trial> trials, List<Round> rounds,
                         List<RunEnded> runs, List<Standing> standings, long pid, String host, String startedAt,
                         String finishedAt, String error) {
    }

    /** What a reader sees: the status and the state it means now. */
    public record Snapshot(Status status, RunProgress.State state) {
        /** The same status with the state it means now: the sweep's process may have ended since it was read. */
        public Snapshot now(Path folder) {
            return new Snapshot(status, SweepProgress.state(status, folder.resolve(FILE)));
        }
    }

    /** What identifies the status file's content without reading it (it is replaced whole), or empty: {@link RunProgress#version}. */
    public static Optional<Object> version(Path folder) {
        return RunProgress.version(folder, FILE);
    }

    private final Path file;
    private Status s;

    private SweepProgress(Path file, Status status) {
        this.file = file;
        this.s = status;
    }

    /** Starts the file afresh for a sweep in {@code folder}, run by this process. */
    public static SweepProgress start(Path folder, String name, String sweepFile, String base, String strategy,
                                      String metric, int seeds, List<String> parameters, List<Integer> roundEpochs,
                                      List<Trial> trials) {
        SweepProgress p = new SweepProgress(folder.resolve(FILE), new Status(name, sweepFile, base, strategy, metric,
                seeds, List.copyOf(parameters), List.copyOf(roundEpochs), List.copyOf(trials), List.of(), List.of(),
                List.of(), RunProgress.pid(), RunProgress.host(), Instant.now().toString(), null, null));
        p.write();
        return p;
    }

    public synchronized void round(Round round) {
        s = with(append(s.rounds(), round), s.runs(), s.standings(), null, null);
        write();
    }

    public synchronized void ended(RunEnded run, List<Standing> standings) {
        s = with(s.rounds(), append(s.runs(), run), List.copyOf(standings), null, null);
        write();
    }

    /** The current round ended: these trials go on. */
    public synchronized void kept(List<String> trials) {
        List<Round> rounds = new ArrayList<>(s.rounds());
        Round last = rounds.remove(rounds.size() - 1);
        rounds.add(new Round(last.round(), last.epochs(), last.trials(), last.runs(), List.copyOf(trials)));
        s = with(rounds, s.runs(), s.standings(), null, null);
        write();
    }

    public synchronized void finished(List<Standing> standings) {
        s = with(s.rounds(), s.runs(), List.copyOf(standings), Instant.now().toString(), null);
        write();
    }

    /** The sweep stopped on an error: said in the file, and the sweep reads as failed from then on. */
    public synchronized void failed(String error) {
        s = with(s.rounds(), s.runs(), s.standings(), null, error);
        write();
    }

    private Status with(List<Round> rounds, List<RunEnded> runs, List<Standing> standings, String finishedAt, String error) {
        return new Status(s.name(), s.file(), s.base(), s.strategy(), s.metric(), s.seeds(), s.parameters(),
                s.roundEpochs(), s.trials(), rounds, runs, standings, s.pid(), s.host(), s.startedAt(), finishedAt, error);
    }

    private static <T> List<T> append(List<T> list, T item) {
        List<T> copy = new ArrayList<>(list);
        copy.add(item);
        return List.copyOf(copy);
    }

    private void write() {
        try {
            AtomicFiles.writeString(file, Json.MAPPER.writeValueAsString(s));
        } catch (IOException e) {
            // For watching only, as a run's progress file: a full disk here must not stop the sweep.
            System.err.println("Warning: cannot write " + file + ": " + e.getMessage());
        }
    }

    /** Whether {@code folder} holds a sweep's status file (a plain file, not a link). */
    public static boolean isSweep(Path folder) {
        return Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)
                && Files.isRegularFile(folder.resolve(FILE), LinkOption.NOFOLLOW_LINKS);
    }

    /** The sweep in {@code folder}, if it has a status file that can be read. */
    public static Optional<Snapshot> read(Path folder) {
        Path f = folder.resolve(FILE);
        try {
            if (!isSweep(folder) || Files.size(f) > MAX_BYTES) return Optional.empty();
            Status status = Json.MAPPER.readValue(f.toFile(), Status.class);
            if (status.name() == null || status.startedAt() == null) return Optional.empty();
            return Optional.of(new Snapshot(nonNull(status), state(status, f)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // damaged by hand, or not ours: the sweep's trials are still listed as runs
        }
    }

    private static RunProgress.State state(Status status, Path file) {
        return RunProgress.state(status.finishedAt() != null, status.error(),
                () -> RunProgress.alive(status.pid(), status.host(), status.startedAt(), file));
    }

    /**
     * Lists a file written by hand may lack, as empty lists, so readers need no null checks. A null inside a list, or
     * a round or trial without its own lists, is a damaged file (it was a 500 from the sweep's page, a review).
     */
    private static Status nonNull(Status s) {
        for (List<?> list : java.util.Arrays.asList(s.parameters(), s.roundEpochs(), s.trials(), s.rounds(), s.runs(),
                s.standings())) {
            if (list != null && list.contains(null)) throw new IllegalArgumentException("a null in a list");
        }
        if (s.rounds() != null && s.rounds().stream().anyMatch(r -> r.trials() == null || r.runs() == null
                || r.trials().contains(null) || r.runs().contains(null))) {
            throw new IllegalArgumentException("a round without its trials or runs");
        }
        if (s.trials() != null && s.trials().stream().anyMatch(t -> t.name() == null || t.values() == null
                || t.labels() == null)) {
            throw new IllegalArgumentException("a trial without its name, values or labels");
        }
        return new Status(s.name(), s.file(), s.base(), s.strategy(), s.metric(), s.seeds(), orEmpty(s.parameters()),
                orEmpty(s.roundEpochs()), orEmpty(s.trials()), orEmpty(s.rounds()), orEmpty(s.runs()),
                orEmpty(s.standings()), s.pid(), s.host(), s.startedAt(), s.finishedAt(), s.error());
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
