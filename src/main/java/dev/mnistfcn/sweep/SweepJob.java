package dev.mnistfcn.sweep;

import dev.mnistfcn.Folders;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ConfigDiff;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.config.OutputSpec;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.eval.Stats;
import dev.mnistfcn.job.TrainingJob;
import dev.mnistfcn.report.Eta;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.storage.AtomicFiles;
import dev.mnistfcn.storage.RunFolder;
import dev.mnistfcn.storage.RunLock;
import dev.mnistfcn.storage.SweepProgress;
import dev.mnistfcn.train.EarlyStoppingListener;
import dev.mnistfcn.train.EarlyStoppingOutcome;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A sweep from file to results: check every trial, train them on an engine (all at once, or in successive-halving
 * rounds), rank them by the metric over their seeds, and write the table ({@value #TABLE}), the best config as a
 * ready YAML ({@value #BEST}) and the HTML report ({@value #HTML}) in the sweep's folder.
 */
public final class SweepJob {
    public static final String TABLE = "results.md";
    public static final String BEST = "best.yaml";
    public static final String HTML = RunFolder.HTML_REPORT;

    /** What a sweep did: its trials ranked best first, and which runs were trained, resumed, reused, failed. */
    public record Outcome(List<TrialResult> ranked, Map<TrialRunner.How, List<String>> runs, Path folder, Path table,
                          Path bestConfig, Path html) {
        public List<String> runs(TrialRunner.How how) {
            return runs.getOrDefault(how, List.of());
        }
    }

    private final PrintStream out;

    public SweepJob(PrintStream out) {
        this.out = out;
    }

    public Outcome run(SweepFile file, TrialEngine engine) {
        SweepFile sweep = engine.runsElsewhere() ? file.withAbsoluteFolders() : file;
        List<Trial> alive = sweep.checkedTrials();
        int full = alive.stream().mapToInt(t -> sweep.config(t, 0).training().epochs()).max().orElse(1);
        List<Integer> rounds = sweep.halving() == null ? List.of(full) : sweep.halving().rounds(full);
        Path folder = sweep.folder();
        refuseFolderOfAnotherKind(folder);
        refuseAnotherFilesFolder(sweep, folder);
        // One sweep per folder: a second one decided from what it saw before the first's runs finished, and moved a
        // finished run aside to train it again.
        try (RunLock lock = RunLock.acquireSweep(folder)) {
            new RunFolder(folder).removeUnfinishedWrites(); // a killed sweep's cut-short results or status write
            out.printf(Locale.ROOT, "Sweep '%s': %d trial(s) × %d seed(s) of %s, %s, chosen by %s%s, in %s%n", sweep.name(),
                    alive.size(), sweep.seeds(), sweep.base(), sweep.strategy(), sweep.metric().key(),
                    sweep.halving() == null ? "" : " with successive halving (epochs by round: " + rounds + ")", folder);
            out.println(engine.describe());
            int replaced = runsTrainedAfresh(sweep, alive, rounds.get(0));
            if (replaced > 0) {
                out.printf(Locale.ROOT, "%d run folder(s) here hold runs of another config (a sweep with other trials, base or set:, "
                        + "under this name): they are trained afresh, each earlier run's files moved to its .previous "
                        + "folder.%n", replaced);
            }
            SweepStatus status = SweepStatus.start(sweep, folder, alive, rounds);
            try {
                return run(sweep, engine, alive, rounds, status);
            } catch (RuntimeException | Error e) {
                status.failed(e.getMessage() == null ? e.toString() : e.getMessage());
                throw e;
            }
        } catch (IOException e) {
            throw Folders.cannotWrite("the sweep's files", folder, e);
        }
    }

    /**
     * A sweep folder is one sweep file's (the folder is named for the file, unless it sets {@code name:}): another
     * file of the same name (a/same.yaml after b/same.yaml) replaced the first's results without a copy, moved its runs
     * aside, and on its next run deleted them. The same file moved or renamed since (its recorded path gone) is its own.
     */
    private static void refuseAnotherFilesFolder(SweepFile sweep, Path folder) {
        Optional<SweepProgress.Snapshot> before = SweepProgress.read(folder);
        if (before.isEmpty() || before.get().status().file() == null) return;
        Path earlier;
        try {
            earlier = Path.of(before.get().status().file());
            if (!Files.exists(earlier) || Files.isSameFile(earlier, sweep.file())) return;
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return; // unreadable or not a path here: nothing to compare with
        }
        throw new UserError("The sweep folder " + folder + " holds the sweep of " + earlier + ", and " + sweep.file()
                + " is another file of the same name: its results would replace that sweep's, and its runs move that "
                + "sweep's aside. Give this sweep a name of its own (name: in the file, or --name NAME), or remove "
                + folder + " if the other sweep's runs are no longer wanted.");
    }

    /**
     * Refuses a folder that holds anything a sweep does not write (its four files, its runs' folders, a cut-short
     * write): a sweep named like a run replaced that run's report.html with its own.
     */
    private static void refuseFolderOfAnotherKind(Path folder) {
        Folders.refuseNonFolder(folder.getParent(), "output.dir");
        Folders.refuseNonFolder(folder, "The sweep folder");
        // As compare's --out: a sweep there was moved aside by that run's next fresh start, and deleted by the one after.
        RunFolder.runThatMovesAside(folder).ifPresent(run -> {
            throw new UserError("The sweep folder " + folder + " is " + RunFolder.insideItsMovedPart(run) + ": the "
                    + "sweep's runs and results would be lost with it. Give another output.dir (set: in the sweep file, "
                    + "or the base config's), outside that run's folder.");
        });
        if (!Files.isDirectory(folder)) return;
        List<String> names, other;
        try {
            names = Folders.entryNames(folder);
            other = names.stream().filter(n -> !SWEEP_WRITES.contains(n)
                    && !RUN_NAME.matcher(n).matches() && !n.startsWith(AtomicFiles.TEMP_PREFIX)).toList();
        } catch (IOException e) {
            throw new UserError("Cannot list the sweep folder " + folder + ": " + e.getMessage() + ". Check its permissions.", e);
        }
        // A trial's run folder that is a link: its run went where the link points, and moved another run aside there.
        List<String> links = names.stream().filter(n -> RUN_NAME.matcher(n).matches()
                && Files.isSymbolicLink(folder.resolve(n))).toList();
        if (!links.isEmpty()) {
            throw new UserError("The sweep folder " + folder + " holds " + Folders.firstFew(links) + ": symbolic link(s) "
                    + "where a trial's run folder goes: the trial would write through it and move aside the run it points "
                    + "to. Remove the link (rm " + folder.resolve(links.get(0)) + " removes the link only, not what it "
                    + "points to), or give the sweep another name.");
        }
        if (other.isEmpty()) return;
        throw new UserError("The sweep folder " + folder + " already exists and holds files a sweep does not write ("
                + Folders.firstFew(other) + "): it may be a run's folder, whose report.html the sweep's would replace. "
                + "Give the sweep another name (name: in the sweep file) or another output.dir.");
    }

    /**
     * How many of the first round's run folders hold a run of another config: a sweep run under another's name, or
     * its file edited, trains those afresh and moves their files aside, which is said here (a trial's worker says
     * nothing).
     */
    private static int runsTrainedAfresh(SweepFile sweep, List<Trial> trials, int epochs) {
        int n = 0;
        for (Trial t : trials) {
            for (int s = 0; s < sweep.seeds(); s++) {
                ExperimentConfig c = runConfig(sweep, t, s, epochs);
                Path recorded = RunFolder.of(c).resolvedConfig();
                if (!Files.isRegularFile(recorded)) continue;
                try {
                    if (!TrainingJob.sameRun(ConfigLoader.load(recorded, Map.of()), c)) n++;
                } catch (RuntimeException e) {
                    n++; // a config that no longer loads: that run is trained afresh too
                }
            }
        }
        return n;
    }

    private static final List<String> SWEEP_WRITES = List.of(TABLE, BEST, HTML, SweepProgress.FILE, RunLock.SWEEP_FILE);
    /** A trial's run folder, {@code t01-seed12345} ({@link SweepFile#config}). */
    private static final Pattern RUN_NAME = Pattern.compile("t\\d+-seed-?\\d+");

    private Outcome run(SweepFile sweep, TrialEngine engine, List<Trial> alive, List<Integer> rounds, SweepStatus status) {
        Map<String, TrialResult> latest = new LinkedHashMap<>();
        Map<TrialRunner.How, List<String>> how = new LinkedHashMap<>();
        for (int r = 0; r < rounds.size(); r++) {
            int epochs = rounds.get(r);
            boolean last = r == rounds.size() - 1;
            if (rounds.size() > 1) out.printf(Locale.ROOT, "Round %d of %d: %d trial(s) to %d epoch(s)%n", r + 1, rounds.size(), alive.size(), epochs);
            List<ExperimentConfig> all = new ArrayList<>();
            for (Trial t : alive) {
                for (int s = 0; s < sweep.seeds(); s++) all.add(runConfig(sweep, t, s, epochs));
            }
            status.round(r + 1, epochs, alive, all);
            List<ExperimentConfig> runs = new ArrayList<>();
            for (ExperimentConfig c : all) {
                // A rerun of a halving sweep: a kept trial has already trained past this round.
                Optional<RunMetrics> done = finished(c, !last);
                if (done.isPresent()) {
                    how.computeIfAbsent(TrialRunner.How.REUSED, k -> new ArrayList<>()).add(c.name());
                    status.ended(c.name(), TrialRunner.How.REUSED, null, done);
                } else {
                    runs.add(c);
                }
            }
            if (!runs.isEmpty()) new SweepProgressLine(out, sweep.metric(), runs.size(), status, !last).run(engine, runs, how);
            List<TrialResult> round = new ArrayList<>();
            for (Trial t : alive) results(sweep, t, epochs, !last).ifPresent(round::add);
            round.forEach(tr -> latest.put(tr.trial().name(), tr));
            round.sort(TrialResult.ranking(sweep.metric(), sweep.halving() != null));
            if (!last) {
                alive = sweep.halving().keep(round).stream().map(TrialResult::trial).toList();
                out.printf(Locale.ROOT, "Kept %d of %d: %s%n", alive.size(), round.size(), String.join(", ", alive.stream().map(Trial::name).toList()));
            }
            status.roundEnded(round, alive, last);
        }
        List<TrialResult> ranked = new ArrayList<>(latest.values());
        ranked.sort(TrialResult.ranking(sweep.metric(), sweep.halving() != null));
        List<String> failed = how.getOrDefault(TrialRunner.How.FAILED, List.of());
        if (ranked.isEmpty()) {
            // said on the live page too, which has nothing "above": each run's error is in its row there (a review)
            throw new UserError("Sweep '" + sweep.name() + "': no run finished (" + failed.size() + " failed; each one's "
                    + "error is printed with its FAILED line and listed with the run on the live page). Fix the cause "
                    + "and rerun the same command: finished runs are reused.");
        }
        Outcome outcome = write(sweep, sweep.folder(), ranked, how);
        status.finished(ranked);
        return outcome;
    }

    /** A run of a trial; in a halving round before the last, trained only to that round's epochs. */
    private static ExperimentConfig runConfig(SweepFile sweep, Trial t, int s, int epochs) {
        ExperimentConfig c = sweep.config(t, s);
        return epochs >= c.training().epochs() ? c : sweep.config(t, s, Map.of("training.epochs", Integer.toString(epochs)));
    }

    /** The trial's finished runs at that round, if every seed finished ({@code cut}: as {@link #finished}). */
    private static Optional<TrialResult> results(SweepFile sweep, Trial t, int epochs, boolean cut) {
        List<RunMetrics> runs = new ArrayList<>();
        for (int s = 0; s < sweep.seeds(); s++) {
            ExperimentConfig c = runConfig(sweep, t, s, epochs);
            Optional<RunMetrics> m = finished(c, cut);
            if (m.isEmpty()) return Optional.empty();
            runs.add(m.get());
        }
        // The round's epochs, not the history's length: a trial that early stopping ended sooner is not cut for it.
        return Optional.of(new TrialResult(t, runConfig(sweep, t, 0, epochs).training().epochs(), runs, sweep.metric()));
    }

    /**
     * The run's figures after {@code c}'s epochs: its finished outputs, or those of the same run trained further
     * (a later halving round), cut to those epochs. The resume is exact, so the first epochs of the longer run
     * are what the shorter one measured, and early stopping's kept epoch among them is replayed; its test figures
     * are the longer run's. A run early stopping ended before {@code c}'s epochs is that run, finished.
     * {@code longer}: whether a longer run may be cut so, only in a halving round before the last; else a longer run is
     * no finished one (a sweep rerun with fewer training.epochs mixed the cut reading with the longer model's test
     * figures and model.zip): it is trained afresh, its files moved aside, as for any other config change.
     */
    static Optional<RunMetrics> finished(ExperimentConfig c, boolean longer) {
        Optional<RunMetrics> exact = new TrainingJob(c, new PrintStream(PrintStream.nullOutputStream()), false).finishedOutputs();
        if (exact.isPresent()) return exact;
        Path metrics = RunFolder.of(c).metrics();
        if (!Files.isRegularFile(metrics)) return Optional.empty();
        try {
            RunMetrics m = RunMetrics.read(metrics);
            int epochs = c.training().epochs();
            boolean onlyEpochsDiffer = m.config() != null && ConfigDiff.between(m.config(), c).stream()
                    .allMatch(d -> d.key().equals("training.epochs"));
            if (!onlyEpochsDiffer) return Optional.empty();
            EarlyStoppingOutcome stopped = m.earlyStopping();
            if (m.history().size() < epochs) {
                EarlyStoppingOutcome again = m.earlyStoppingWithin(c.training().earlyStopping(), epochs);
                return again != null && again.stoppedEarly() ? Optional.of(m.asRunOf(c, m.history(), again))
                        : Optional.empty();
            }
            if (!longer) return Optional.empty();
            List<EpochStats> cut = m.history().subList(0, epochs);
            return Optional.of(m.asRunOf(c, cut, stopped == null ? null
                    : EarlyStoppingListener.replay(c.training().earlyStopping(), cut, epochs)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Outcome write(SweepFile sweep, Path folder, List<TrialResult> ranked, Map<TrialRunner.How, List<String>> how) {
        TrialResult best = ranked.get(0);
        ExperimentConfig bestRun = sweep.config(best.trial(), 0);
        // Ready to train on its own: named after the sweep, in the base config's output folder, with the base seed.
        ExperimentConfig ready = new ExperimentConfig(sweep.name() + SweepFile.BEST_SUFFIX, bestRun.seed(), bestRun.model(),
                bestRun.training(), bestRun.data(), new OutputSpec(folder.getParent() == null ? "." : folder.getParent().toString()),
                bestRun.checkpoint());
        List<String> failed = how.getOrDefault(TrialRunner.How.FAILED, List.of());
        String table = SweepReport.markdown(sweep, ranked, failed);
        Path tablePath = folder.resolve(TABLE), bestPath = folder.resolve(BEST), html = folder.resolve(HTML);
        try {
            AtomicFiles.writeString(tablePath, table);
            String comment = "Best trial of sweep " + sweep.name() + " (" + sweep.file() + "): " + best.trial().name()
                    + ", " + best.trial().describe() + String.format(Locale.ROOT, "; %s %s over %d seed(s).%n"
                    + "Train it on its own with: train --config %s", sweep.metric().key(),
                    Stats.plusMinus("%.4f", "%.4f", best.mean(), best.std(), best.runs().size()), best.runs().size(), bestPath);
            // every line a comment: a data.dir with a line break ended the comment, its rest read as keys (a review)
            AtomicFiles.writeString(bestPath, "# " + comment.replaceAll("\\R", "\n# ") + "\n" + ConfigLoader.toYaml(ready));
            AtomicFiles.writeString(html, SweepReport.html(sweep, ranked, failed, folder));
        } catch (IOException e) { // a stack trace on a full disk (a review)
            throw new UserError("Cannot write the sweep's results to " + folder + ": " + UserError.reason(e) + ". Check "
                    + "that the folder can be written and has free space; the trials are trained, so a rerun only writes "
                    + "the results.", e);
        }
        out.println();
        out.print(table);
        out.printf(Locale.ROOT, "%nRuns: %s. Best: %s (%s). Wrote %s, %s and %s.%n", counts(how), best.trial().name(),
                best.trial().describe(), tablePath, bestPath, html);
        return new Outcome(ranked, how, folder, tablePath, bestPath, html);
    }

    private static String counts(Map<TrialRunner.How, List<String>> how) {
        List<String> parts = new ArrayList<>();
        how.forEach((k, v) -> parts.add(v.size() + " " + k.name().toLowerCase(Locale.ROOT)));
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /** The progress line: runs done, best so far, ETA from the runs that trained in this sweep. */
    private static final class SweepProgressLine {
        private final PrintStream out;
        private final Metric metric;
        private final int total;
        private final long started = System.nanoTime();
        private int done, worked;
        private String best = "none yet";
        private double bestValue = Double.NaN;

        private final SweepStatus status;
        private final boolean cut;

        SweepProgressLine(PrintStream out, Metric metric, int total, SweepStatus status, boolean cut) {
            this.cut = cut;
            this.out = out;
            this.metric = metric;
            this.total = total;
            this.status = status;
        }

        void run(TrialEngine engine, List<ExperimentConfig> runs, Map<TrialRunner.How, List<String>> how) {
            Map<String, ExperimentConfig> byName = new LinkedHashMap<>();
            runs.forEach(c -> byName.put(c.name(), c));
            engine.run(runs, d -> {
                synchronized (this) {
                    how.computeIfAbsent(d.how(), k -> Collections.synchronizedList(new ArrayList<>())).add(d.run());
                    done++;
                    if (d.how() != TrialRunner.How.REUSED) worked++;
                    ExperimentConfig c = byName.get(d.run());
                    Optional<RunMetrics> m = d.how() == TrialRunner.How.FAILED || c == null ? Optional.empty() : finished(c, cut);
                    if (d.how() == TrialRunner.How.FAILED) out.println("   FAILED " + d.run() + ": " + d.error());
                    m.ifPresent(r -> better(d.run(), metric.of(r)));
                    status.ended(d.run(), d.how(), d.error(), m);
                    out.printf(Locale.ROOT, "   sweep: %d of %d runs done (%s %s), best so far %s, ETA %s%n", done, total,
                            d.run(), d.how().name().toLowerCase(Locale.ROOT), best, Eta.of(started, worked, total - done));
                }
            });
        }

        private void better(String run, double v) {
            if (Double.isNaN(bestValue) || metric.bestFirst().compare(v, bestValue) < 0) {
                bestValue = v;
                best = String.format(Locale.ROOT, "%s %s %.4f", run, metric.key(), v);
            }
        }
    }
}
