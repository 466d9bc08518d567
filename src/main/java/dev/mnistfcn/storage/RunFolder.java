package dev.mnistfcn.storage;

import dev.mnistfcn.Folders;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.config.RunName;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import java.util.Optional;

/**
 * The files of one run, {@code <output.dir>/<name>/}: the one place that knows their names.
 *
 * <pre>
 * model.zip              the trained network (DL4J ModelSerializer format + mnist-fcn.json), with updater state
 * config.resolved.yaml   the config after overrides, written first: the run can be repeated from it
 * metrics.json           history, test metrics, timings, versions
 * report.md, report.html the test-set report
 * progress.jsonl         a line per epoch while it trains ({@link RunProgress}), for the runs page
 * checkpoints/           epoch-NN.zip and best.zip ({@link CheckpointStore})
 * .previous/             the earlier run's files, after a fresh start over it
 * .previous-next/        only while a fresh start gathers them (left by a kill: the next fresh start finishes)
 * </pre>
 * A run's files stay in its folder: nothing here moves or deletes anything outside it.
 */
public record RunFolder(Path dir) {
    /** The HTML report's name: a run's, a comparison's and a sweep's, and what the runs page links. */
    public static final String HTML_REPORT = "report.html";
    /** The Markdown report's name: a run's and a comparison's. */
    public static final String MARKDOWN_REPORT = "report.md";
    /** The trained network (with early stopping: the kept epoch's). */
    public static final String MODEL = "model.zip";
    public static final String RESOLVED_CONFIG = "config.resolved.yaml";
    public static final String METRICS = "metrics.json";

    /** Where an earlier run's files go: a hidden name, which no run can have ({@link RunName}). */
    public static final String PREVIOUS = ".previous";

    public static RunFolder of(ExperimentConfig config) {
        // Validation already refused such names; checked again because a wrong folder here means deleted data.
        if (!RunName.isValid(config.name())) {
            throw new UserError("Run name '" + config.name() + "' is not accepted: expected " + RunName.RULE + ".");
        }
        return new RunFolder(Path.of(config.output().dir()).resolve(config.name()));
    }

    public Path model() {
        return dir.resolve(MODEL);
    }

    public Path resolvedConfig() {
        return dir.resolve(RESOLVED_CONFIG);
    }

    public Path metrics() {
        return dir.resolve(METRICS);
    }

    public Path markdownReport() {
        return dir.resolve(MARKDOWN_REPORT);
    }

    public Path htmlReport() {
        return dir.resolve(HTML_REPORT);
    }

    public CheckpointStore checkpoints(int keep) {
        return new CheckpointStore(dir, keep);
    }

    /**
     * Deletes what writes cut short by a kill left behind (temporary files, {@link AtomicFiles#isTemporary}: never
     * complete, never read). Only for the holder of the folder's {@link RunLock}: another run's write in progress
     * looks just the same.
     */
    public void removeUnfinishedWrites() throws IOException {
        for (Path d : List.of(dir, dir.resolve(CheckpointStore.FOLDER))) {
            if (!Files.isDirectory(d)) continue;
            try (var files = Files.list(d)) {
                for (Path p : files.filter(AtomicFiles::isTemporary).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * Whether {@code file} can be one a run wrote, for readers that must load nothing else (the server's run pages):
     * a regular file, not reached through a link (a run never makes one), of at most {@code maxBytes}.
     */
    public static boolean isRunsOwn(Path file, long maxBytes) throws IOException {
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) <= maxBytes;
    }

    /**
     * Refuses a folder that exists and holds files, none of them one a run writes, and an output.dir that is a file:
     * a run would write among the user's files (a run named {@code src} with {@code output.dir: .} once moved the
     * sources into .previous, and the next fresh start deleted them). Call it before taking the {@link RunLock},
     * whose file would otherwise be left among the user's.
     */
    public void refuseFolderNoRunWrote() {
        Folders.refuseNonFolder(dir.getParent(), "output.dir");
        Folders.refuseNonFolder(dir, "The run folder");
        runThatMovesAside(dir).ifPresent(run -> {
            throw new UserError("The run folder " + dir + " is " + insideItsMovedPart(run) + ": this run would be lost "
                    + "with it. Give another output.dir (-Doutput.dir=… or --set output.dir=…), outside that run's folder.");
        });
        if (!Files.isDirectory(dir) || holdsARun(dir)) return;
        List<String> names;
        try {
            names = Folders.entryNames(dir);
        } catch (IOException e) {
            throw new UserError("Cannot list the run folder " + dir + ": " + e.getMessage() + ". Check its permissions.", e);
        }
        if (names.isEmpty()) return;
        throw new UserError("The run folder " + dir + " already exists and holds files no run wrote ("
                + Folders.firstFew(names) + "): it is not a run's folder, and mnist-fcn writes a run only into its own "
                + "or a new one. Give the run another name (name: in the config, -Dname=NAME or --set name=NAME) or "
                + "another output.dir.");
    }

    /** Whether {@code dir} is a folder with one of the files only a run writes in it: a run's folder. */
    public static boolean holdsARun(Path dir) {
        return Files.isDirectory(dir) && RUN_WRITES.stream().anyMatch(n -> Files.exists(dir.resolve(n), LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * The run's or sweep's folder that {@code dir} is (by its lock or a sweep's status file), or the run's folder whose
     * {@code checkpoints/} or {@code .previous/} it is inside: places a fresh start of the run moves aside or deletes, so
     * that a report or export written there by another command would be lost as the run's. A folder of the user's inside
     * a run's stays through fresh starts, and is no run's; links are followed.
     */
    public static Optional<Path> enclosingRun(Path dir) {
        Path d = Folders.real(dir);
        if (locked(d) || SweepProgress.isSweep(d)) return Optional.of(d);
        for (Path up = d.getParent(); up != null; up = up.getParent()) {
            if (locked(up)) {
                String first = up.relativize(d).getName(0).toString();
                return List.of(CheckpointStore.FOLDER, PREVIOUS, STAGED).contains(first) ? Optional.of(up) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * The run whose {@code checkpoints/} or {@code .previous/} holds {@code dir} or a folder above it (not {@code dir}
     * itself, a run's own folder): a run or sweep written there was moved aside by that run's next fresh start, and
     * deleted by the one after.
     */
    public static Optional<Path> runThatMovesAside(Path dir) {
        for (Path d = Folders.real(dir); d != null; d = d.getParent()) {
            Optional<Path> run = enclosingRun(d);
            if (run.isPresent() && !run.get().equals(d)) return run;
        }
        return Optional.empty();
    }

    /** How an error says that a folder is inside {@code run}'s part that its fresh starts move aside or delete. */
    public static String insideItsMovedPart(Path run) {
        return "inside the run folder " + run + ", in a part a fresh start of that run moves aside or deletes ("
                + CheckpointStore.FOLDER + "/, " + PREVIOUS + "/)";
    }

    /** A run's or sweep's lock file: a name nothing else writes (a home folder with a model.zip in it is no run's). */
    private static boolean locked(Path dir) {
        return Files.isRegularFile(dir.resolve(RunLock.FILE), LinkOption.NOFOLLOW_LINKS)
                || Files.isRegularFile(dir.resolve(RunLock.SWEEP_FILE), LinkOption.NOFOLLOW_LINKS);
    }

    /** Names only a run writes in its folder: one of them there means the folder is an earlier run's. */
    private static final List<String> RUN_WRITES = List.of(RESOLVED_CONFIG, METRICS, MODEL,
            RunProgress.FILE, CheckpointStore.FOLDER, RunLock.FILE, PREVIOUS);

    /** Where {@link #moveEarlierRunAside} gathers the earlier run's files before they become {@link #previous()}. */
    private static final String STAGED = ".previous-next";

    /** The earlier run's files after {@link #moveEarlierRunAside}. */
    public Path previous() {
        return dir.resolve(PREVIOUS);
    }

    /** Where {@code train --test-each-epoch} writes each epoch's test accuracy. */
    public static final String TEST_CURVE = "test-by-epoch.csv";

    /**
     * What a run writes in its folder, and what {@code export} writes beside its model.zip (cli/ExportCommand): what
     * a fresh start moves aside. Anything else there is the user's, and stays where it is (moved into .previous, it
     * was deleted by the fresh start after).
     */
    private static final List<String> EXPORTS = List.of("model.onnx", "model.pb", "model-inference.zip",
            "model-network.json");
    private static final List<String> OUTPUTS = Stream.concat(Stream.of(MODEL, RESOLVED_CONFIG, METRICS,
            MARKDOWN_REPORT, HTML_REPORT, RunProgress.FILE, CheckpointStore.FOLDER, TEST_CURVE), EXPORTS.stream()).toList();

    /**
     * Removes what {@code export} wrote of the model.zip about to be replaced, and says which: they held the earlier
     * network, and evaluated beside the new model.zip gave other figures, unsaid (a review).
     */
    /**
     * Removes metrics.json, written last, so that the run no longer counts as finished while its outputs are rewritten:
     * interrupted after this, it is resumed, not reported finished beside a model.zip of another epoch (a review).
     */
    public void unfinish() throws IOException {
        Files.deleteIfExists(metrics());
    }

    public List<String> removeExports() throws IOException {
        List<String> removed = new java.util.ArrayList<>();
        for (String name : EXPORTS) {
            if (Files.deleteIfExists(dir.resolve(name))) removed.add(name);
        }
        return removed;
    }

    /** Whether {@code name} is one a run or an export of its model writes in the run's folder. */
    public static boolean isOutput(String name) {
        return OUTPUTS.contains(name);
    }

    /**
     * What {@link #moveEarlierRunAside} did: how many files and folders of the earlier run it moved (0: there was
     * none), the names it left in place because no run writes them, and what it removed instead of moving: the
     * config and progress of a start that trained nothing.
     */
    public record Aside(int moved, List<String> left, List<String> removed) {
    }

    /**
     * What a start writes before it has a model or a checkpoint to resume: all it leaves when killed, or failing, that
     * early. The test curve ({@code --test-each-epoch}) too: without it here, a start killed after a few epochs with
     * it replaced the finished run in .previous (a review).
     */
    private static final List<String> WRITTEN_BEFORE_TRAINING = List.of(RESOLVED_CONFIG, RunProgress.FILE,
            CheckpointStore.FOLDER, TEST_CURVE);

    /**
     * A fresh start over an earlier run keeps that run recoverable: its files ({@link #isOutput}) move into
     * {@link #previous()} (replacing an older one there) by renames within the folder, so nothing is copied and
     * nothing outside the folder is touched; files the user put there stay. What a start that trained nothing left is
     * removed instead, and .previous kept. Only for the holder of the folder's
     * {@link RunLock}. A move that fails is a {@link UserError} naming the folder.
     */
    public Aside moveEarlierRunAside() {
        return moveEarlierRunAside(null);
    }

    /**
     * As {@link #moveEarlierRunAside()}; {@code startingConfig}, the config.resolved.yaml of the run now starting (null:
     * unknown): an unfinished start of this very config (checkpoints, no model) is removed rather than moved over a
     * finished run in .previous. Rerunning a killed fresh start deleted the only finished run, keeping a fragment of
     * the run about to be trained again (a review).
     */
    public Aside moveEarlierRunAside(String startingConfig) {
        if (!Files.isDirectory(dir)) return new Aside(0, List.of(), List.of());
        try {
            List<String> names = Folders.entryNames(dir);
            List<String> earlier = names.stream().filter(RunFolder::isOutput).toList();
            List<String> left = names.stream().filter(n -> !isOutput(n) && !List.of(RunLock.FILE, PREVIOUS, STAGED).contains(n)).toList();
            // The files gather in STAGED, which then replaces the older .previous in one rename: a start killed
            // half-way leaves them there, and the next one finishes the move. Moved straight into .previous, the
            // half already moved was deleted by the next start with the older .previous.
            Path staged = dir.resolve(STAGED);
            boolean moving = Files.isDirectory(staged, LinkOption.NOFOLLOW_LINKS); // a killed start's move to finish
            if (earlier.isEmpty() && !moving) return new Aside(0, left, List.of());
            // A start that trained nothing is no earlier run: moved aside, it replaced the trained run in .previous,
            // the only copy of it, when the start after it ran (a fresh start killed in its first epoch, then rerun).
            if (!moving && (leftNothingToKeep(earlier) || startedAgain(earlier, startingConfig))) {
                for (String n : earlier) Folders.deleteTree(dir.resolve(n));
                return new Aside(0, left, earlier);
            }
            Files.createDirectories(staged);
            for (String n : earlier) {
                Folders.deleteTree(staged.resolve(n)); // an older copy from the killed start: this one is newer
                Files.move(dir.resolve(n), staged.resolve(n), StandardCopyOption.ATOMIC_MOVE);
            }
            Folders.deleteTree(previous());
            Files.move(staged, previous(), StandardCopyOption.ATOMIC_MOVE);
            return new Aside(Folders.entryNames(previous()).size(), left, List.of());
        } catch (IOException e) {
            throw new UserError("Cannot move the earlier run in " + dir + " aside: " + e.getMessage()
                    + ". Check permissions and free space, or give this run another name.", e);
        }
    }

    /**
     * Whether what an earlier start left ({@code names}) is removed rather than moved into .previous: it holds no
     * model and nothing to resume, and it trained nothing or .previous holds a trained run. A start killed after a
     * few epochs (best.zip and its progress, no epoch-NN.zip yet at checkpoint.every 5) replaced the finished run the
     * start before it had moved aside, the only copy of that run.
     */
    private boolean leftNothingToKeep(List<String> names) throws IOException {
        if (!WRITTEN_BEFORE_TRAINING.containsAll(names) || new CheckpointStore(dir, 1).latest().isPresent()) return false;
        return trainedNothing(names) || Files.isRegularFile(previous().resolve(MODEL), LinkOption.NOFOLLOW_LINKS)
                || new CheckpointStore(previous(), 1).latest().isPresent();
    }

    /** Whether {@code names} are an unfinished start of {@code startingConfig} itself, and .previous a finished run. */
    private boolean startedAgain(List<String> names, String startingConfig) throws IOException {
        Path config = dir.resolve(RESOLVED_CONFIG);
        return startingConfig != null && WRITTEN_BEFORE_TRAINING.containsAll(names)
                && Files.isRegularFile(previous().resolve(MODEL), LinkOption.NOFOLLOW_LINKS)
                && Files.isRegularFile(config, LinkOption.NOFOLLOW_LINKS) && Files.size(config) < (1 << 20)
                && Files.readString(config).equals(startingConfig);
    }

    /**
     * Whether {@code names}, only what a start writes before training, trained nothing: its checkpoint folder empty
     * and its progress file (which, with {@code checkpoint.every: 0}, is all that records the epochs of a killed run)
     * holding none.
     */
    private boolean trainedNothing(List<String> names) throws IOException {
        Path checkpoints = dir.resolve(CheckpointStore.FOLDER);
        if (Files.exists(checkpoints, LinkOption.NOFOLLOW_LINKS) && (!Files.isDirectory(checkpoints,
                LinkOption.NOFOLLOW_LINKS) || !Folders.entryNames(checkpoints).isEmpty())) {
            return false;
        }
        // unreadable progress counts as a trained run's: moved aside, not removed
        return !names.contains(RunProgress.FILE) || RunProgress.read(dir).map(p -> p.epochs().isEmpty()).orElse(false);
    }
}
