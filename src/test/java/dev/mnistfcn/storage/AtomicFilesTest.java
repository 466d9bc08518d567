package dev.mnistfcn.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
