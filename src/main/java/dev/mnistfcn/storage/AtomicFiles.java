package dev.mnistfcn.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Writes files (model zips, reports) so that a file with the final name is always complete: write a temporary file in
 * the same folder, fsync it, then rename it over the target atomically. A crash leaves at most a
 * {@code .tmp-*} file, never a truncated {@code model.zip}.
 */
public final class AtomicFiles {
    public static final String TEMP_PREFIX = ".tmp-";

    private AtomicFiles() {
    }

    /**
     * What identifies a file written here without reading it (it is replaced whole, never changed in place, so a new
     * version is a new file: its key, size and time), or empty where there is none.
     */
    public static Optional<Object> version(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return Optional.of(List.of(String.valueOf(a.fileKey()), a.size(), a.lastModifiedTime()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Writes small text files (config, metrics, reports) with the same all-or-nothing guarantee. */
    public static void writeString(Path target, String content) throws IOException {
        writeAtomically(target, out -> out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Writes a file already in memory (an exported ONNX model or TensorFlow graph) with the same guarantee. */
    public static void writeBytes(Path target, byte[] content) throws IOException {
        writeAtomically(target, out -> out.write(content));
    }

    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Fails as {@link #writeAtomically} into {@code dir} would (made if missing): for a check before minutes of work
     * whose result is saved only at the end. Leaves nothing behind, not even the folders it made (compare left an
     * empty report folder when a run failed later).
     */
    public static void requireWritable(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize(), made = firstMissing(absolute);
        try {
            Files.createDirectories(absolute);
            Files.delete(Files.createTempFile(absolute, TEMP_PREFIX, ".probe"));
        } finally {
            removeMade(absolute, made);
        }
    }

    /** The outermost folder of {@code dir} (itself included) that does not exist yet; null where it exists. */
    private static Path firstMissing(Path dir) {
        Path made = null;
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) made = p;
        return made;
    }

    /** Removes {@code dir} and its parents up to {@code made} (from {@link #firstMissing}), each only while empty. */
    private static void removeMade(Path dir, Path made) {
        try {
            for (Path p = dir; made != null && p != null && p.startsWith(made); p = p.getParent()) Files.deleteIfExists(p);
        } catch (IOException someoneWroteThere) {
            // not empty any more: another process uses the folder now, so it stays
        }
    }

    /**
     * Writes {@code target} whole or not at all; the folders made for it are removed again where the write fails (an
     * export to a full disk left its new, empty folder: a review).
     */
    public static void writeAtomically(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent(), made = firstMissing(dir);
        Files.createDirectories(dir);
        try {
            writeInto(dir, target, writer);
        } catch (IOException | RuntimeException e) {
            removeMade(dir, made);
            throw e;
        }
    }

    private static void writeInto(Path dir, Path target, Writer writer) throws IOException {
        removeAbandonedTemporaries(dir);
        Temporary temporary = newTemporaryFile(dir, target.getFileName().toString());
        Path tmp = temporary.path();
        try {
            // Buffered: a zip's deflater hands on 512 bytes at a time, one system call each without this (5,000 for
            // a two-layer zip): a save took 22 ms with them, 8.7 without (SaveCost, quiet).
            try (FileChannel ch = temporary.channel();
                 OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch),
                         1 << 16)) {
                // Some writers (ModelSerializer's ZipOutputStream) close the stream they are given; keep the
                // channel open until it has been fsynced.
                writer.write(new java.io.FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                });
                out.flush();
                ch.force(true);
                // A file replaced keeps its permissions (calibrate made a zip its owner had made read-only writable
                // again); set once written, since a read-only temporary file could not be. Both, and the rename,
                // while the lock is held: once it is dropped, another process's write may take the file for an
                // abandoned one (a review).
                if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                    setPermissions(tmp, Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS));
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            fsyncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The end of a temporary file's name: what tells one of ours from another program's {@code .tmp-*} file. */
    static final String TEMP_SUFFIX = ".mnist-fcn";

    private record Temporary(Path path, FileChannel channel) {
    }

    /**
     * A new file {@code .tmp-NAME-RANDOM.mnist-fcn} in {@code dir}, open for writing and locked until the channel
     * closes (see {@link #removeAbandonedTemporaries}). Made and opened in one call (O_CREAT | O_EXCL), as any ordinary
     * file, so that its permissions follow the user's umask: createTempFile's are owner-only, and setting rw-r--r--
     * after it made every output world-readable under umask 077; opening it again after making it failed under umask
     * 0222 (reviews).
     */
    private static Temporary newTemporaryFile(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve(TEMP_PREFIX + shortened(name) + "-" + Long.toUnsignedString(RANDOM.nextLong())
                    + TEMP_SUFFIX);
            FileChannel ch;
            try {
                ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt == 100) throw e;
                continue;
            }
            try {
                ch.lock();
            } catch (IOException noLocksHere) {
                // a file system without locks (some NFS mounts): written unlocked, and nothing is removed there either
            }
            return new Temporary(tmp, ch);
        }
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /**
     * The target's name, at most 40 characters of it: the random number makes the temporary file's name unique, and
     * with a whole name of up to 255 bytes the 36 added made it too long to create ("File name too long" for a
     * picture named with 220 characters: a review). 40 four-byte characters and the rest stay under 255 bytes.
     */
    private static String shortened(String name) {
        return name.codePointCount(0, name.length()) <= 40 ? name : name.substring(0, name.offsetByCodePoints(0, 40));
    }

    /** A temporary file {@link #writeAtomically} names, and no other program's. */
    private static final Pattern TEMPORARY = Pattern.compile(Pattern.quote(TEMP_PREFIX) + ".+-\\d+"
            + Pattern.quote(TEMP_SUFFIX));
    /** One an earlier mnist-fcn named: createTempFile's random number, 18 to 20 digits, and no ending. */
    private static final Pattern EARLIER_TEMPORARY = Pattern.compile(Pattern.quote(TEMP_PREFIX) + ".+-\\d{18,20}");

    /**
     * Whether {@code file} is a temporary file of a write into a run's or sweep's own folder, which its holder removes
     * (RunFolder): a regular file named as this version or an earlier one names them. A user's {@code .tmp-notes.txt}
     * there was deleted with them (a review).
     */
    public static boolean isTemporary(Path file) {
        String name = file.getFileName().toString();
        return (TEMPORARY.matcher(name).matches() || EARLIER_TEMPORARY.matcher(name).matches())
                && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
    }

    /** Folders this JVM has looked through: once each, as predict saves thousands of pictures into one. */
    private static final Set<Path> LOOKED_THROUGH = ConcurrentHashMap.newKeySet();

    /**
     * Removes the temporary files that writes killed before their rename left in {@code dir}: a killed export,
     * compare or predict --save-preprocessed left one for good outside run and sweep folders, whose next run clears
     * them under its lock (a review). A write holds a lock on its temporary file, which the system drops when its
     * process dies, so a file no one holds a lock on is abandoned; one changed in the last 2 s is left, as its writer
     * may not hold the lock yet. Only regular files named as ours: a FIFO named so hung every write (opening it for
     * writing waits for a reader), and a pattern of digits alone matched other programs' files (a review).
     */
    static void removeAbandonedTemporaries(Path dir) {
        if (!LOOKED_THROUGH.add(dir)) return;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, TEMP_PREFIX + "*" + TEMP_SUFFIX)) {
            for (Path f : files) {
                if (TEMPORARY.matcher(f.getFileName().toString()).matches()) removeIfAbandoned(f);
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            // nothing to look through: the write below says what is wrong with the folder
        }
    }

    private static void removeIfAbandoned(Path f) {
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || a.lastModifiedTime().toMillis() > System.currentTimeMillis() - 2000) return;
            // Read and a shared lock, which a writer's exclusive one refuses: a file made read-only by the umask
            // (0222) cannot be opened to write, and stayed for good (a review)
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                if (ch.tryLock(0, Long.MAX_VALUE, true) != null) Files.delete(f); // the lock goes with the channel
            }
        } catch (IOException | OverlappingFileLockException e) {
            // gone already, not ours to open, being written by this JVM, or no locks on this file system
        }
    }

    private static void setPermissions(Path file, java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions)
            throws IOException {
        try {
            Files.setPosixFilePermissions(file, permissions);
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
    }

    private static void fsyncDirectory(Path dir) {
        // Makes the rename itself durable; not supported on every OS/filesystem, where it is skipped.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
        }
    }
}
