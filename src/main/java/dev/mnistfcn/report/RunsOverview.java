package dev.mnistfcn.report;

import dev.mnistfcn.config.RunName;
import dev.mnistfcn.storage.RunFolder;
import dev.mnistfcn.storage.RunProgress;
import dev.mnistfcn.storage.SweepProgress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

/**
 * Every run under an output folder as the runs page lists it: runs at its top ({@code models/<run>/}) and one
 * level down (a sweep's trials, {@code models/<sweep>/<trial>/}), with their state from {@link RunProgress}, or from
 * metrics.json for runs written before progress files existed; sweeps with a status file ({@link SweepProgress}) as
 * sweeps; other folders holding a report.html (compare, an older sweep) as reports. Read-only: nothing here writes,
 * locks or deletes.
 */
public final class RunsOverview {
    /** One run, newest first in {@link #scan}. {@code path}: relative to the output folder, '/'-separated. */
    public record Run(String path, String name, String group, String state, int epoch, int epochs,
                      Double validationAccuracy, Double testAccuracy, String engine, String architecture,
                      String settings, String startedAt, long updated, boolean hasReport) {
    }

    /** A compare or sweep report: a folder with report.html that is not a run. */
    public record Report(String path, String kind, long updated) {
    }

    /**
     * A sweep with a status file ({@link SweepProgress}): its state, round, runs ended, and the best trial so far
     * with its metric's mean over seeds.
     */
    public record Sweep(String path, String state, String metric, int round, int rounds, int runsEnded,
                        String bestTrial, Double bestValue, long updated, boolean hasReport) {
    }

    public record Overview(List<Run> runs, List<Sweep> sweeps, List<Report> reports) {
    }

    /** The state of a run folder whose progress file and metrics.json cannot be read (its own page says which). */
    public static final String UNREADABLE = "unreadable";

    private RunsOverview() {
    }

    public static Overview scan(Path outputDir) {
        List<Run> runs = new ArrayList<>();
        List<Report> reports = new ArrayList<>();
        List<Sweep> sweeps = new ArrayList<>();
        for (Path dir : folders(outputDir)) {
            Optional<Run> run = run(outputDir, dir, null);
            if (run.isPresent()) {
                runs.add(run.get());
                continue;
            }
            List<Path> inner = folders(dir);
            boolean sweep = false;
            for (Path trial : inner) {
                Optional<Run> t = run(outputDir, trial, name(dir));
                t.ifPresent(runs::add);
                sweep |= t.isPresent();
            }
            Optional<SweepProgress.Snapshot> status = SweepProgress.read(dir);
            status.ifPresent(st -> sweeps.add(sweep(dir, st)));
            if (status.isEmpty() && hasReport(dir)) {
                reports.add(new Report(name(dir), sweep ? "sweep" : "compare", modified(new RunFolder(dir).htmlReport())));
            }
        }
        runs.sort(Comparator.comparingLong(Run::updated).reversed().thenComparing(Run::path));
        sweeps.sort(Comparator.comparingLong(Sweep::updated).reversed().thenComparing(Sweep::path));
        reports.sort(Comparator.comparingLong(Report::updated).reversed().thenComparing(Report::path));
        return new Overview(runs, sweeps, reports);
    }

    private static Sweep sweep(Path dir, SweepProgress.Snapshot snapshot) {
        SweepProgress.Status s = snapshot.status();
        SweepProgress.Standing best = s.standings().isEmpty() ? null : s.standings().get(0);
        return new Sweep(name(dir), SweepEvents.state(snapshot.state()), s.metric(), s.rounds().size(),
                s.roundEpochs().size(), s.runs().size(), best == null ? null : best.trial(),
                best == null ? null : best.mean(), modified(dir.resolve(SweepProgress.FILE)), hasReport(dir));
    }

    /** A report is a self-contained HTML file with inline pictures: a few MB; larger is not ours. */
    public static final long MAX_REPORT_BYTES = 64L << 20;

    /**
     * Whether {@code dir} holds a report.html the pages link to, by the rule the server sends it by: a regular file,
     * not a link, at most {@link #MAX_REPORT_BYTES}.
     */
    public static boolean hasReport(Path dir) {
        try {
            return RunFolder.isRunsOwn(new RunFolder(dir).htmlReport(), MAX_REPORT_BYTES);
        } catch (IOException e) {
            return false;
        }
    }

    /** The sweep folder {@code name} under {@code outputDir}, if it names one with a status file. */
    public static Optional<Path> findSweep(Path outputDir, String name) {
        return name.contains("/") ? Optional.empty() : folder(outputDir, name).filter(SweepProgress::isSweep);
    }

    /**
     * The run folder {@code path} (e.g. {@code two-layer} or {@code mnist-small/t01-seed12345}) under
     * {@code outputDir}, if it names one ({@link #folder}).
     */
    public static Optional<Path> find(Path outputDir, String path) {
        return folder(outputDir, path).filter(RunsOverview::isRun);
    }

    /**
     * The folder {@code path} names under {@code outputDir}, one or two parts, as the list shows them: each part a
     * valid run name and a folder, not a link, so that a request can never reach outside the output folder.
     */
    public static Optional<Path> folder(Path outputDir, String path) {
        String[] parts = path.split("/", -1);
        if (parts.length > 2) return Optional.empty();
        Path dir = outputDir;
        for (String part : parts) {
            if (!RunName.isValid(part)) return Optional.empty();
            dir = dir.resolve(part);
            if (!Files.isDirectory(dir, NOFOLLOW_LINKS)) return Optional.empty();
        }
        return Optional.of(dir);
    }

    private static boolean isRun(Path dir) {
        return Files.isDirectory(dir, NOFOLLOW_LINKS)
                && (Files.isRegularFile(dir.resolve(RunProgress.FILE), NOFOLLOW_LINKS)
                || Files.isRegularFile(new RunFolder(dir).metrics(), NOFOLLOW_LINKS));
    }

    private static Optional<Run> run(Path outputDir, Path dir, String group) {
        if (!isRun(dir)) return Optional.empty();
        String path = outputDir.relativize(dir).toString().replace('\\', '/');
        RunFolder folder = new RunFolder(dir);
        boolean report = hasReport(dir);
        Optional<RunProgress.Snapshot> snapshot = RunEvents.snapshot(dir);
        Path progress = dir.resolve(RunProgress.FILE);
        Path file = Files.isRegularFile(progress, NOFOLLOW_LINKS) ? progress : folder.metrics();
        if (snapshot.isEmpty()) { // damaged, or written by something else: listed, so that it does not vanish unseen
            return Optional.of(new Run(path, name(dir), group, UNREADABLE, 0, 0, null, null, null, null, null, null,
                    modified(file), report));
        }
        RunProgress.Snapshot s = snapshot.get();
        RunProgress.Started st = s.started();
        Double val = s.epochs().isEmpty() ? null : s.epochs().get(s.epochs().size() - 1).validationAccuracy();
        return Optional.of(new Run(path, name(dir), group, SweepEvents.state(s.state()), s.epoch(), st.epochs(), val,
                s.finished() == null ? null : s.finished().testAccuracy(), st.engine(), st.architecture(),
                st.settings(), st.startedAt(), modified(file), report));
    }

    /**
     * Sub-folders that are not links and whose names a run may have (which leaves out hidden ones: .previous, temp
     * files), so that every one listed is one a URL reaches ({@link #folder}).
     */
    private static List<Path> folders(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (var s = Files.list(dir)) {
            return s.filter(p -> Files.isDirectory(p, NOFOLLOW_LINKS) && RunName.isValid(name(p))).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The names of {@link #folders}: the sub-folders a URL reaches. */
    static Set<String> folderNames(Path dir) {
        return folders(dir).stream().map(RunsOverview::name).collect(Collectors.toSet());
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }
}
