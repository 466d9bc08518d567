package dev.mnistfcn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a test saves a picture that the docs show: {@code docs/NAME} when run with {@code -Ddocs.write=true}, else
 * {@code target/docs-pictures/NAME}, so that a test run never changes the tracked files of a clone.
 */
public final class DocsPictures {
    public static final String PROPERTY = "docs.write";

    private DocsPictures() {
    }

    public static boolean toDocs() {
        return Boolean.getBoolean(PROPERTY);
    }

    /** The path to write {@code name} (a path under docs/) to; its folder exists. */
    public static Path path(String name) {
        Path file = (toDocs() ? Path.of("docs") : Path.of("target", "docs-pictures")).resolve(name);
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
