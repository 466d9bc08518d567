package dev.mnistfcn.storage;

import dev.mnistfcn.UserError;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One run per folder at a time: an OS file lock on {@code <run>/.lock}, held for the whole run by the process
 * that writes the folder.
 *
 * <p>Why an OS lock and not a marker file: the OS releases it when the process dies, SIGKILL included, so a
 * killed run never leaves a stale lock to clean by hand, and a rerun started while the killed JVM is still
 * exiting (the child JVM was measured outliving a SIGKILLed parent by about 3 s) waits for nothing and
 * writes nothing beside it: it stops with the holder's name. The file itself is never deleted (deleting a
 * lock file lets two processes lock two different files of one name); it holds the holder's pid, host and
 * start time, for that message.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = ".lock";
    /**
     * A sweep's folder's lock: not {@link #FILE}, which marks a run's folder ({@link RunFolder#holdsARun}), so that a
     * run given the sweep's name is still refused its folder rather than moving the sweep aside as an earlier run.
     */
    public static final String SWEEP_FILE = ".sweep-lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code runDir} (creating it) or throws a {@link UserError} naming the run that holds it. */
    public static RunLock acquire(Path runDir) {
        return acquire(runDir, FILE, "Run folder ", "give it another name (-Dname=… / --set name=…) or output.dir");
    }

    /** As {@link #acquire(Path)}, for a command on a run's files: {@code elsewhere} says how it can do without. */
    public static RunLock acquire(Path runDir, String elsewhere) {
        return acquire(runDir, FILE, "Run folder ", elsewhere);
    }

    /** Locks a sweep's folder for the sweep, as {@link #acquire(Path)} a run's: two sweeps of one folder train alike. */
    public static RunLock acquireSweep(Path sweepDir) {
        return acquire(sweepDir, SWEEP_FILE, "Sweep folder ", "give it another name (name: in the sweep file, or "
                + "--name) or output.dir");
    }

    private static RunLock acquire(Path runDir, String fileName, String what, String elsewhere) {
        Path file = runDir.resolve(fileName);
        try {
            Files.createDirectories(runDir);
            // The lock file is written (its holder's name): a link planted in its place must not lead that write to
            // a file elsewhere, which it truncated and overwrote.
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new UserError(what + runDir + " holds " + fileName + " as " + (Files.isSymbolicLink(file)
                        ? "a link" : "something other than a file") + ", not as the file mnist-fcn keeps there: "
                        + "remove " + file + " (nothing of the run is in it) or " + elsewhere + ".");
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very JVM
            }
            if (lock == null) {
                String holder = holder(ch);
                ch.close();
                throw new UserError(what + runDir + " is in use by another mnist-fcn run (" + holder + "). Wait "
                        + "for it to finish, or run this one elsewhere: " + elsewhere + ". If that run was killed, its lock is released as soon as its process is gone: "
                        + "rerun the same command then.");
            }
            String me = "pid " + ProcessHandle.current().pid() + " on " + host() + ", started " + Instant.now();
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
            return new RunLock(ch, lock);
        } catch (IOException e) {
            // reason(): the message of a broken link's or a full disk's exception was the path again
            throw new UserError("Cannot lock " + what.toLowerCase(java.util.Locale.ROOT) + runDir + " (" + UserError.reason(e)
                    + "). Check that it is a writable folder on a local file system with free space.", e);
        }
    }

    private static String holder(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(512);
        int n = ch.read(buf, 0);
        String s = n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? "a process that has only just started" : s;
    }

    /** From the environment or /etc/hostname: no name lookup, which could reach the network. */
    static String host() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) return env;
        try {
            return Files.readString(Path.of("/etc/hostname")).strip();
        } catch (IOException e) {
            return "this host";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the OS releases it with the process anyway
        }
    }
}
