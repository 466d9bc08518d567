package dev.mnistfcn.report;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mnistfcn.Json;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.storage.RunFolder;
import dev.mnistfcn.storage.RunProgress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One run as the live page follows it: {@link #now} for the page's first look, {@link #poll} for its event stream
 * (each newly finished epoch, then one final event with the state). The server calls {@link #poll} every few hundred
 * milliseconds; the run's own process only ever writes its progress file.
 */
public final class RunEvents implements LiveEvents {
    /** A run's metrics.json is a few kB plus about 200 bytes an epoch: RunProgress's limit does for it too. */
    static final long MAX_METRICS_BYTES = 64L << 20;
    private static final ObjectWriter LINE = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private int sent;
    private boolean ended;
    private boolean missing;
    /** The progress file's version last read, and what it held: a poll re-reads the file only when it changed. */
    private Optional<Object> readVersion = Optional.empty();
    private RunProgress.Snapshot read;

    public RunEvents(Path runDir) {
        this.dir = runDir;
    }

    /**
     * The run so far as one JSON object: settings, every epoch, state and ETA. A run trained before progress files
     * existed is read from its metrics.json (finished); empty if the folder has neither.
     */
    public static Optional<String> now(Path runDir) {
        return snapshot(runDir).map(s -> {
            Double eta = eta(s);
            ObjectNode o = header(s, eta);
            ArrayNode epochs = o.putArray("history");
            for (EpochStats e : s.epochs()) epochs.add(epoch(e, s, eta));
            return text(o);
        });
    }

    /** The run's progress file, or for a run trained before progress files existed, its metrics.json as finished. */
    static Optional<RunProgress.Snapshot> snapshot(Path runDir) {
        Optional<RunProgress.Snapshot> progress = RunProgress.read(runDir);
        return progress.isPresent() ? progress : finishedFromMetrics(runDir);
    }

    private static Optional<RunProgress.Snapshot> finishedFromMetrics(Path runDir) {
        try {
            Path file = new RunFolder(runDir).metrics();
            if (!RunFolder.isRunsOwn(file, MAX_METRICS_BYTES)) return Optional.empty();
            RunMetrics m = RunMetrics.read(file);
            var started = new RunProgress.Started(m.name(), m.architecture(), m.config().training().epochs(),
                    m.config().training().batchSize(), m.engine(), TrainingSettings.line(m.config()), 0, "", null);
            var finished = new RunProgress.Finished(m.test() == null ? null : m.test().accuracy(), null, null);
            return Optional.of(new RunProgress.Snapshot(started, m.history(), finished, RunProgress.State.FINISHED, null));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Events since the last call, as JSON texts: one per new epoch, then a last one once the run is not running. */
    @Override
    public List<String> poll() {
        List<String> events = new ArrayList<>();
        if (ended) return events;
        // Polled every few hundred milliseconds by every open stream, while the file changes once an epoch: parsing
        // a long run's file each time kept the server's scheduler thread from its other work (slow-client deadlines).
        Optional<Object> version = RunProgress.version(dir);
        RunProgress.Snapshot s;
        if (read != null && version.isPresent() && version.equals(readVersion)) {
            s = read.now(dir);
        } else {
            // An old run (metrics.json only) is finished: its stream sends its epochs and ends, never waits.
            Optional<RunProgress.Snapshot> snapshot = snapshot(dir);
            missing = snapshot.isEmpty();
            if (missing) return events;
            s = snapshot.get();
            read = s;
            readVersion = version;
        }
        // A fresh start over the same folder rewrites the file: follow the new run from its first epoch.
        if (s.epochs().size() < sent) sent = 0;
        Double eta = eta(s);
        for (EpochStats e : s.epochs().subList(sent, s.epochs().size())) events.add(text(epoch(e, s, eta)));
        sent = s.epochs().size();
        if (s.state() != RunProgress.State.RUNNING) {
            ObjectNode last = header(s, eta);
            events.add(text(last));
            ended = true;
        }
        return events;
    }

    @Override
    public boolean ended() {
        return ended;
    }

    @Override
    public boolean missing() {
        return missing;
    }

    private static ObjectNode header(RunProgress.Snapshot s, Double eta) {
        RunProgress.Started st = s.started();
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("name", st.name()).put("state", s.state().name().toLowerCase(Locale.ROOT)).put("epoch", s.epoch())
                .put("epochs", st.epochs()).put("architecture", st.architecture()).put("engine", st.engine())
                .put("batch_size", st.batchSize()).put("settings", st.settings()).put("started_at", st.startedAt());
        if (s.error() != null) o.put("error", s.error());
        if (s.finished() != null && s.finished().testAccuracy() != null) {
            o.put("test_accuracy", s.finished().testAccuracy());
        }
        if (eta != null) o.put("eta_seconds", eta);
        return o;
    }

    /** {@code eta}: the run's, computed once for all its epochs (sorting every epoch's time each made a page quadratic). */
    private static ObjectNode epoch(EpochStats e, RunProgress.Snapshot s, Double eta) {
        ObjectNode o = Json.MAPPER.valueToTree(e);
        o.put("epochs", s.started().epochs());
        if (eta != null) o.put("eta_seconds", eta);
        return o;
    }

    /**
     * Seconds left at the median pace of the epochs so far (train and validation); 0 before the first; null when the
     * run is not running.
     */
    static Double eta(RunProgress.Snapshot s) {
        if (s.state() != RunProgress.State.RUNNING) return null;
        double[] t = s.epochs().stream().mapToDouble(e -> e.trainSeconds() + e.validationSeconds()).sorted().toArray();
        if (t.length == 0) return 0.0;
        double median = t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
        return median * Math.max(0, s.started().epochs() - s.epoch());
    }

    private static String text(ObjectNode o) {
        try {
            return LINE.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
