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
    private String last;
    private boolean ended;
    private boolean missing;

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
        Optional<SweepProgress.Snapshot> read = SweepProgress.read(dir);
        missing = read.isEmpty();
        if (missing) return List.of();
        String text = json(dir, read.get()).toString();
        ended = read.get().state() != RunProgress.State.RUNNING;
        if (text.equals(last)) return List.of();
        last = text;
        return List.of(text);
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
        SweepProgress.Status s = snapshot.status();
        ObjectNode o = Json.MAPPER.createObjectNode().put("kind", "sweep");
        o.setAll((ObjectNode) Json.MAPPER.valueToTree(s));
        o.remove(List.of("pid", "host"));
        o.put("state", state(snapshot.state()));
        o.put("round", s.rounds().size());
        o.put("has_report", RunsOverview.hasReport(dir));
        if (!s.standings().isEmpty()) o.set("best", Json.MAPPER.valueToTree(s.standings().get(0)));
        ArrayNode training = o.putArray("training");
        if (snapshot.state() == RunProgress.State.RUNNING) {
            for (RunProgress.Snapshot run : training(dir, s)) {
                training.addObject().put("run", run.started().name()).put("epoch", run.epoch())
                        .put("epochs", run.started().epochs()).put("validation_accuracy",
                                run.epochs().isEmpty() ? null : run.epochs().get(run.epochs().size() - 1).validationAccuracy());
            }
        }
        return o;
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
