package dev.mnistfcn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** The one recursive delete: for the data fetch's scratch folders and a run's earlier files. */
public final class Folders {
    private Folders() {
    }

    /**
     * Deletes {@code root} and everything under it, if it exists. Links are deleted, never followed
     * ({@link Files#walk} does not follow them), so nothing outside {@code root} is touched.
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
