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
 * </pre>
 * A run's files stay in its folder: nothing here moves or deletes anything outside it.
 */
public record RunFolder(Path dir) {
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
        return dir.resolve("model.zip");
    }

    public Path resolvedConfig() {
        return dir.resolve("config.resolved.yaml");
    }

    public Path metrics() {
        return dir.resolve("metrics.json");
    }

    public Path markdownReport() {
        return dir.resolve("report.md");
    }

    public Path htmlReport() {
        return dir.resolve("report.html");
    }

    public CheckpointStore checkpoints(int keep) {
        return new CheckpointStore(dir, keep);
    }

    /**
     * Deletes what writes cut short by a kill left behind ({@code .tmp-*}: never complete, never read). Only for
     * the holder of the folder's {@link RunLock}: another run's write in progress looks just the same.
     */
    public void removeUnfinishedWrites() throws IOException {
        for (Path d : List.of(dir, dir.resolve(CheckpointStore.FOLDER))) {
            if (!Files.isDirectory(d)) continue;
            try (var files = Files.list(d)) {
                for (Path p : files.filter(f -> f.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX)).toList()) {
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
     * Refuses a folder that exists and holds files, none of them one a run writes: a fresh start would move them into
     * {@link #previous()} and the next one delete them (a run named {@code src} with {@code output.dir: .} did). Call it
     * before taking the {@link RunLock}, whose file would otherwise be left among the user's.
     */
    public void refuseFolderNoRunWrote() {
        if (!Files.isDirectory(dir) || holdsARun(dir)) return;
        List<String> names;
        try {
            names = Folders.entryNames(dir);
        } catch (IOException e) {
            throw new UserError("Cannot list the run folder " + dir + ": " + e.getMessage() + ". Check its permissions.", e);
        }
        if (names.isEmpty()) return;
        throw new UserError("The run folder " + dir + " already exists and holds files no run wrote ("
                + Folders.firstFew(names) + "): a "
                + "fresh start moves a folder's files aside and the next one deletes them, so mnist-fcn leaves this one "
                + "alone. Give the run another name (name: in the config, -Dname=NAME or --set name=NAME) or another "
                + "output.dir.");
    }

    /** Whether {@code dir} is a folder with one of the files only a run writes in it: a run's folder. */
    public static boolean holdsARun(Path dir) {
        return Files.isDirectory(dir) && RUN_WRITES.stream().anyMatch(n -> Files.exists(dir.resolve(n), LinkOption.NOFOLLOW_LINKS));
    }

    /** Names only a run writes in its folder: one of them there means the folder is an earlier run's. */
    private static final List<String> RUN_WRITES = List.of("config.resolved.yaml", "metrics.json", "model.zip",
            RunProgress.FILE, CheckpointStore.FOLDER, RunLock.FILE, PREVIOUS);

    /** The earlier run's files after {@link #moveEarlierRunAside}. */
    public Path previous() {
        return dir.resolve(PREVIOUS);
    }

    /**
     * A fresh start over an earlier run keeps that run recoverable: its files move into {@link #previous()}
     * (replacing an older one there) by renames within the folder, so nothing is copied and nothing outside the
     * folder is touched. Only for the holder of the folder's {@link RunLock}. Returns how many files and folders
     * moved (0: there was no earlier run); a move that fails is a {@link UserError} naming the folder.
     */
    public int moveEarlierRunAside() {
        if (!Files.isDirectory(dir)) return 0;
        try {
            List<Path> earlier;
            try (var entries = Files.list(dir)) {
                earlier = entries.filter(p -> !List.of(RunLock.FILE, PREVIOUS).contains(p.getFileName().toString())).toList();
            }
            if (earlier.isEmpty()) return 0;
            Folders.deleteTree(previous());
            Files.createDirectories(previous());
            for (Path p : earlier) Files.move(p, previous().resolve(p.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            return earlier.size();
        } catch (IOException e) {
            throw new UserError("Cannot move the earlier run in " + dir + " aside: " + e.getMessage()
                    + ". Check permissions and free space, or give this run another name.", e);
        }
    }
}
