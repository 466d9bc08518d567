package dev.mnistfcn.storage;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The check made before minutes of work, whose result is written only at the end. */
class AtomicFilesTest {
    @TempDir
    Path tmp;

    /** compare's up-front check of --out left an empty report folder behind when a run failed afterwards. */
    @Test
    void aWritableCheckLeavesNothingBehind() throws Exception {
        Path deep = tmp.resolve("reports/compare/today");
        AtomicFiles.requireWritable(deep);
        assertFalse(Files.exists(tmp.resolve("reports")), "the folders it made are removed again");

        Path existing = Files.createDirectories(tmp.resolve("kept"));
        Files.writeString(existing.resolve("report.md"), "earlier");
        AtomicFiles.requireWritable(existing);
        assertTrue(Files.isDirectory(existing), "a folder that was there stays");
        try (Stream<Path> files = Files.list(existing)) {
            assertEquals(1, files.count(), "and holds only what it held");
        }
        // and a file where a folder is needed still fails as the write would
        Files.writeString(tmp.resolve("file"), "x");
        assertThrows(IOException.class, () -> AtomicFiles.requireWritable(tmp.resolve("file/sub")));
        assertTrue(Files.isRegularFile(tmp.resolve("file")));
    }

    /** A write that fails leaves neither its file nor the folders it made (an export to a full disk left one). */
    @Test
    void aFailedWriteLeavesNoFolderItMade() throws Exception {
        Path target = tmp.resolve("exports/today/model.onnx");
        IOException full = assertThrows(IOException.class, () -> AtomicFiles.writeAtomically(target, out -> {
            out.write(1);
            throw new IOException("No space left on device");
        }));
        assertEquals("No space left on device", full.getMessage());
        assertFalse(Files.exists(tmp.resolve("exports")), "the folders it made are removed again");
        // A folder that held a file before keeps it, and itself
        AtomicFiles.writeString(tmp.resolve("exports/today/notes.txt"), "kept");
        assertThrows(IOException.class, () -> AtomicFiles.writeAtomically(target, out -> {
            throw new IOException("No space left on device");
        }));
        try (Stream<Path> files = Files.list(tmp.resolve("exports/today"))) {
            assertEquals(List.of(tmp.resolve("exports/today/notes.txt")), files.toList());
        }
    }

    /** A name of up to 255 bytes can be written: its temporary file's name, 36 characters longer, could not be. */
    @Test
    void aLongNameCanBeWritten() throws Exception {
        Path target = tmp.resolve("a".repeat(251) + ".png");
        AtomicFiles.writeString(target, "x");
        assertEquals("x", Files.readString(target));
        Path unicode = tmp.resolve("ü".repeat(125) + ".png"); // 254 bytes
        AtomicFiles.writeString(unicode, "y");
        assertEquals("y", Files.readString(unicode));
    }

    /**
     * A file written atomically has the permissions the user's umask gives any new file: under umask 077 outputs were
     * rw-r--r-- all the same, the model readable by everyone in a shared folder (a review). Written by a child JVM,
     * since a JVM cannot change its own umask.
     */
    @Test
    @Tag("slow") // starts a JVM
    void filesFollowTheUmask() throws Exception {
        Path file = tmp.resolve("model.zip");
        Process p = new ProcessBuilder("sh", "-c", "umask 077 && exec \"$@\"", "sh",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), WriteOne.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), printed);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)));
    }

    /** Writes its argument's file through {@link AtomicFiles}. */
    static final class WriteOne {
        public static void main(String[] args) throws IOException {
            AtomicFiles.writeAtomically(Path.of(args[0]), out -> out.write(new byte[]{1, 2, 3}));
        }
    }

    /**
     * A temporary file that a killed write left is removed by the next write into its folder, one a live write holds
     * is not: a killed export, compare or predict --save-preprocessed left theirs for good (a review).
     */
    @Test
    @Tag("slow") // starts a JVM
    void abandonedTemporariesGoAndOnesBeingWrittenStay(@TempDir Path dir) throws Exception {
        String ours = AtomicFiles.TEMP_SUFFIX;
        Path abandoned = Files.writeString(dir.resolve(".tmp-model.pb-5296742668320122472" + ours), "x");
        Path justMade = Files.writeString(dir.resolve(".tmp-report.html-13022282497858833328" + ours), "x");
        Path held = Files.writeString(dir.resolve(".tmp-p143.png-14323896458710642615" + ours), "x");
        // Another program's files named alike, and a FIFO named as ours (opening it to write waits for a reader)
        Path usersOwn = Files.writeString(dir.resolve(".tmp-notes.txt-1733600000"), "mine");
        Path fifo = dir.resolve(".tmp-model.onnx-12345678901" + ours);
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        var old = java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        for (Path f : List.of(abandoned, held, usersOwn)) Files.setLastModifiedTime(f, old);
        // touch sets a FIFO's time without opening it, which Java's setLastModifiedTime does (and waits on)
        assertEquals(0, new ProcessBuilder("touch", "-d", "1 hour ago", fifo.toString()).start().waitFor());
        // A live writer in another process holds its file's lock (the lock is per process, so not this JVM).
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), HoldLock.class.getName(), held.toString()).start();
        try {
            assertEquals("locked", new java.io.BufferedReader(new java.io.InputStreamReader(writer.getInputStream()))
                    .readLine());
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                    () -> AtomicFiles.writeString(dir.resolve("report.md"), "new"));
            assertFalse(Files.exists(abandoned), "a killed write's file is removed");
            assertTrue(Files.exists(held), "a live write's file stays");
            assertTrue(Files.exists(justMade), "one made in the last 2 s stays: its writer may not hold its lock yet");
            assertTrue(Files.exists(usersOwn), "a file not named as a write's temporary is left alone");
            assertTrue(Files.exists(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS), "and so is anything but a file");
        } finally {
            writer.destroy();
            writer.waitFor();
        }
    }

    /** Locks its argument's file as a write does, says so, and holds it until killed. */
    static final class HoldLock {
        public static void main(String[] args) throws Exception {
            try (var ch = java.nio.channels.FileChannel.open(Path.of(args[0]), java.nio.file.StandardOpenOption.WRITE);
                 var lock = ch.lock()) {
                System.out.println("locked");
                System.out.flush();
                Thread.sleep(60_000);
            }
        }
    }
}
