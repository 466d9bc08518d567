package dev.mnistfcn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one file a fuzz test writes each input to (its code under test reads files), in a folder under target/ made on
 * first use. {@link #delete} belongs in the test's {@code @AfterAll}: one folder per run piled up in target/ otherwise.
 */
public final class FuzzInputFile {
    private final String prefix;
    private final String name;
    private Path file;

    public FuzzInputFile(String prefix, String name) {
        this.prefix = prefix;
        this.name = name;
    }

    public synchronized Path path() throws IOException {
        if (file == null) file = Files.createTempDirectory(Files.createDirectories(Path.of("target")), prefix).resolve(name);
        return file;
    }

    public synchronized void delete() throws IOException {
        if (file == null) return;
        Files.deleteIfExists(file);
        Files.deleteIfExists(file.getParent());
        file = null;
    }
}
