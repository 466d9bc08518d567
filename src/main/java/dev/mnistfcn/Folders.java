package dev.mnistfcn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** The one recursive delete (the data fetch's scratch folders, a run's earlier files), and a folder's names for messages. */
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

    /**
     * Refuses {@code dir} where it exists as something other than a folder (a run's, a report's output folder named
     * as a file: it used to fail at the first write, after training, with a stack trace); {@code what} names it.
     */
    public static void refuseNonFolder(Path dir, String what) {
        refuseNonFolder(dir, what, "a folder (it is made if missing)");
    }

    /** As {@link #refuseNonFolder(Path, String)}, saying what to give instead ({@code give}: "a folder …"). */
    public static void refuseNonFolder(Path dir, String what, String give) {
        if (dir != null && dir.toString().isEmpty()) { // --out '' wrote into the current folder, over its report.md
            throw new UserError(what + " is empty (''). Give " + give + "; '.' is the current folder.");
        }
        if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError(what + " " + dir + " is a file, not a folder. Give " + give + ".");
        }
    }

    /** A write into {@code dir} that failed (a full disk, no permission): one paragraph naming what and where. */
    public static UserError cannotWrite(String what, Path dir, IOException e) {
        return new UserError("Cannot write " + what + " to " + dir + ": " + UserError.reason(e)
                + ". Check free disk space and permissions.", e);
    }

    /** The names of what {@code dir} holds, sorted. */
    public static List<String> entryNames(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The first five of {@code names}, joined by ", " and followed by "…" where there are more: for a message. */
    public static String firstFew(List<String> names) {
        return String.join(", ", names.subList(0, Math.min(5, names.size()))) + (names.size() > 5 ? ", …" : "");
    }

    /**
     * {@code path} with its links resolved as far as it exists ({@link Path#toRealPath} of the nearest existing folder
     * above it, then the rest): for a folder that a command will make.
     */
    public static Path real(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        for (Path existing = abs; existing != null; existing = existing.getParent()) {
            try {
                return existing.toRealPath().resolve(existing.relativize(abs));
            } catch (IOException e) {
                // not there (yet): one folder up
            }
        }
        return abs;
    }
}
