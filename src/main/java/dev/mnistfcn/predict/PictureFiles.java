package dev.mnistfcn.predict;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The picture files that {@code predict PATH…} means: each file named, whatever its name (a text file named
 * .png gets its own error row), and the image files under each folder named, recursively, in name order.
 */
public final class PictureFiles {
    /** The file name extensions looked for in folders: what ImageIO reads. */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    /**
     * One input.
     *
     * @param file where it is
     * @param name its path below the folder named (its file name if named itself): where its 28×28 picture is saved
     */
    public record Picture(Path file, Path name) {
    }

    private PictureFiles() {
    }

    /** The pictures meant by {@code paths}, in their order, a folder's in name order. */
    public static List<Picture> expand(List<Path> paths) {
        List<Picture> pictures = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.isDirectory(path)) {
                // A missing file stays in the list: its row says so, and the other pictures are still predicted.
                pictures.add(new Picture(path, path.getFileName() == null ? path : path.getFileName()));
                continue;
            }
            List<Path> found = new ArrayList<>();
            try {
                // A folder named through a link is walked where it is (the walk follows no link, its start included);
                // links inside it are not followed, so a walk never loops nor leaves it.
                Path root = Files.isSymbolicLink(path) ? path.toRealPath() : path;
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile() && isImageName(file)) found.add(path.resolve(root.relativize(file)));
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        found.add(path.resolve(root.relativize(file))); // an unreadable subfolder or file: its row names it
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                found.add(path);
            }
            found.sort(Comparator.comparing(Path::toString));
            for (Path file : found) pictures.add(new Picture(file, path.relativize(file)));
        }
        return pictures;
    }

    static boolean isImageName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
