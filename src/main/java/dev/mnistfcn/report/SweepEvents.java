package dev.mnistfcn.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mnistfcn.Json;
import dev.mnistfcn.storage.RunProgress;
import dev.mnistfcn.storage.SweepProgress;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A sweep as its live page follows it: {@link #now} is the whole sweep (trials, rounds, the runs that ended, the
 * standings best first, the runs training now with their epoch), and {@link #poll} gives it again each time it
 * changed, then once more when the sweep is no longer running. A sweep changes a few times a minute and its page
 * redraws it whole, so each event is the whole object rather than a difference.
 */
public final class SweepEvents implements LiveEvents {
    private final Path dir;
    private boolean ended;
    private boolean missing;
    /**
     * The status file's version last read and what it held, and what the last event was made of: a poll re-reads
     * the file only when it changed, and writes the event only when it or the runs training now did. Each stream
     * parsed and wrote out the whole file every 250 ms (a 16 MiB one with 8 streams held the server's reads 15 s).
     */
    private Optional<Object> readVersion = Optional.empty();
    private SweepProgress.Snapshot read;
    private List<Object> lastSent;

    public SweepEvents(Path sweepDir) {
        this.dir = sweepDir;
    }

    /** The sweep in {@code sweepDir} as one JSON object ({@code kind: sweep}), if it has a readable status file. */
    public static Optional<String> now(Path sweepDir) {
        return SweepProgress.read(sweepDir).map(s -> json(sweepDir, s).toString());
    }

    /** The sweep if it changed since the last call (as one JSON text), the last time once it is not running. */
    @Override
    public List<String> poll() {
        if (ended) return List.of();
        Optional<Object> version = SweepProgress.version(dir);
        SweepProgress.Snapshot now;
        if (version.isPresent() && version.equals(readVersion)) {
            if (read == null) return List.of(); // damaged, as when last read: still missing
            now = read.now(dir);
        } else {
            read = SweepProgress.read(dir).orElse(null);
            readVersion = version;
            missing = read == null;
            if (missing) return List.of();
            now = read;
        }
        ended = now.state() != RunProgress.State.RUNNING;
        ArrayNode training = training(dir, now);
        List<Object> made = List.of(readVersion, now.state(), training.toString());
        if (made.equals(lastSent)) return List.of();
        lastSent = made;
        return List.of(json(dir, now, training).toString());
    }

    @Override
    public boolean ended() {
        return ended;
    }

    @Override
    public boolean missing() {
        return missing;
    }

    static ObjectNode json(Path dir, SweepProgress.Snapshot snapshot) {
        return json(dir, snapshot, training(dir, snapshot));
    }

    private static ObjectNode json(Path dir, SweepProgress.Snapshot snapshot, ArrayNode training) {
        SweepProgress.Status s = snapshot.status();
        ObjectNode o = Json.MAPPER.createObjectNode().put("kind", "sweep");
        o.setAll((ObjectNode) Json.MAPPER.valueToTree(s));
        o.remove(List.of("pid", "host"));
        o.put("state", state(snapshot.state()));
        o.put("round", s.rounds().size());
        o.put("has_report", RunsOverview.hasReport(dir));
        if (!s.standings().isEmpty()) o.set("best", Json.MAPPER.valueToTree(s.standings().get(0)));
        o.set("training", training);
        return o;
    }

    /** The runs training now with their epoch, while the sweep runs. */
    private static ArrayNode training(Path dir, SweepProgress.Snapshot snapshot) {
        ArrayNode training = Json.MAPPER.createArrayNode();
        if (snapshot.state() == RunProgress.State.RUNNING) {
            for (RunProgress.Snapshot run : training(dir, snapshot.status())) {
                training.addObject().put("run", run.started().name()).put("epoch", run.epoch())
                        .put("epochs", run.started().epochs()).put("validation_accuracy",
                                run.epochs().isEmpty() ? null : run.epochs().get(run.epochs().size() - 1).validationAccuracy());
            }
        }
        return training;
    }

    /** The current round's runs that have not ended and whose progress file says they train now. */
    static List<RunProgress.Snapshot> training(Path dir, SweepProgress.Status s) {
        List<RunProgress.Snapshot> now = new ArrayList<>();
        if (s.rounds().isEmpty()) return now;
        SweepProgress.Round round = s.rounds().get(s.rounds().size() - 1);
        Set<String> ended = s.runs().stream().filter(r -> r.round() == round.round()).map(SweepProgress.RunEnded::run)
                .collect(Collectors.toSet());
        // The folder listed once: a status file naming 200,000 runs took 1.6 s a look when each was looked up.
        Set<String> folders = RunsOverview.folderNames(dir);
        for (String run : round.runs()) {
            if (ended.contains(run) || !folders.contains(run)) continue;
            RunProgress.read(dir.resolve(run)).filter(p -> p.state() == RunProgress.State.RUNNING).ifPresent(now::add);
        }
        return now;
    }

    static String state(RunProgress.State s) {
        return s.name().toLowerCase(Locale.ROOT);
    }
}
