package dev.mnistfcn.sweep;

import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.storage.SweepProgress;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps a sweep's {@link SweepProgress} file up to date as {@link SweepJob} goes: the trials and rounds when they
 * start, each run as it ends, and the standings (best first, by {@link TrialResult#ranking}, the table's own order)
 * after each, so that the runs page shows the best so far while the sweep runs.
 */
final class SweepStatus {
    private final SweepFile sweep;
    private final SweepProgress file;
    /** The latest finished round of each trial (as the final ranking has them). */
    private final Map<String, TrialResult> latest = new LinkedHashMap<>();
    /** This round: run name → its trial, and the finished runs' figures. */
    private final Map<String, Trial> trialOf = new HashMap<>();
    private final Map<String, RunMetrics> ended = new HashMap<>();
    private List<Trial> roundTrials = List.of();
    private int round;
    private int epochs;

    private SweepStatus(SweepFile sweep, SweepProgress file) {
        this.sweep = sweep;
        this.file = file;
    }

    static SweepStatus start(SweepFile sweep, Path folder, List<Trial> trials, List<Integer> rounds) {
        List<SweepProgress.Trial> described = new ArrayList<>();
        for (Trial t : trials) {
            Map<String, String> labels = new LinkedHashMap<>();
            t.values().forEach((k, v) -> labels.put(k, SweepReport.label(v)));
            described.add(new SweepProgress.Trial(t.name(), t.values(), labels));
        }
        return new SweepStatus(sweep, SweepProgress.start(folder, sweep.name(), String.valueOf(sweep.file()),
                String.valueOf(sweep.base()), sweep.strategy(), sweep.metric().key(), sweep.seeds(),
                sweep.parameters().stream().map(Parameter::key).toList(), rounds, described));
    }

    /** Round {@code r} (1-based) starts: these trials, to {@code epochs} epochs, as these runs. */
    synchronized void round(int r, int epochs, List<Trial> trials, List<ExperimentConfig> runs) {
        this.round = r;
        this.epochs = epochs;
        this.roundTrials = List.copyOf(trials);
        trialOf.clear();
        ended.clear();
        List<String> names = new ArrayList<>();
        for (ExperimentConfig c : runs) {
            names.add(c.name());
            trialOf.put(c.name(), trialNamed(c.name()));
        }
        file.round(new SweepProgress.Round(r, epochs, trials.stream().map(Trial::name).toList(), names, null));
    }

    /** A run of this round ended: {@code metrics} once finished (empty when it failed). */
    synchronized void ended(String run, TrialRunner.How how, String error, Optional<RunMetrics> metrics) {
        Trial t = trialOf.get(run);
        if (t == null) return;
        metrics.ifPresent(m -> ended.put(run, m));
        Double value = metrics.map(m -> sweep.metric().of(m)).orElse(null);
        Double test = metrics.map(m -> m.test() == null ? null : m.test().accuracy()).orElse(null);
        file.ended(new SweepProgress.RunEnded(run, t.name(), round, epochs, how.name().toLowerCase(Locale.ROOT), value,
                test, error, Instant.now().toString()), standings());
    }

    /** The round ended: its results (every seed finished), and the trials that go on (empty after the last). */
    synchronized void roundEnded(List<TrialResult> results, List<Trial> kept, boolean last) {
        results.forEach(r -> latest.put(r.trial().name(), r));
        ended.clear();
        if (!last) file.kept(kept.stream().map(Trial::name).toList());
    }

    synchronized void finished(List<TrialResult> ranked) {
        file.finished(ranked.stream().map(SweepStatus::standing).toList());
    }

    synchronized void failed(String message) {
        file.failed(message);
    }

    /** Earlier rounds' results, overtaken by this round's for each trial whose seeds all finished it. */
    private List<SweepProgress.Standing> standings() {
        Map<String, TrialResult> now = new LinkedHashMap<>(latest);
        for (Trial t : roundTrials) {
            List<RunMetrics> runs = new ArrayList<>();
            for (var e : trialOf.entrySet()) {
                if (e.getValue() == t && ended.containsKey(e.getKey())) runs.add(ended.get(e.getKey()));
            }
            if (runs.size() == sweep.seeds()) now.put(t.name(), new TrialResult(t, epochs, runs, sweep.metric()));
        }
        List<TrialResult> ranked = new ArrayList<>(now.values());
        ranked.sort(TrialResult.ranking(sweep.metric(), sweep.halving() != null));
        return ranked.stream().map(SweepStatus::standing).toList();
    }

    private static SweepProgress.Standing standing(TrialResult r) {
        boolean tested = r.runs().stream().allMatch(m -> m.test() != null);
        return new SweepProgress.Standing(r.trial().name(), r.epochs(), r.mean(), r.std(),
                tested ? r.testAccuracyMean() : null, r.runs().size());
    }

    /** A run is named {@code <trial>-seed<seed>} ({@link SweepFile#config}). */
    private Trial trialNamed(String run) {
        return roundTrials.stream().filter(t -> run.startsWith(t.name() + "-")).findFirst().orElse(null);
    }
}
