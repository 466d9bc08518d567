package dev.mnistfcn.predict;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which files a folder given to predict stands for. */
class PictureFilesTest {
    @Test
    void aFolderIsItsPicturesInNameOrderWhetherNamedDirectlyOrThroughALink(@TempDir Path dir) throws Exception {
        Path pictures = Files.createDirectories(dir.resolve("pictures"));
        Files.write(pictures.resolve("b.png"), new byte[]{1});
        Files.write(Files.createDirectories(pictures.resolve("sub")).resolve("a.JPG"), new byte[]{1});
        Files.writeString(pictures.resolve("notes.txt"), "not a picture's name");
        Files.createSymbolicLink(pictures.resolve("loop"), pictures); // never followed: no loop, no duplicates
        Path link = Files.createSymbolicLink(dir.resolve("link"), pictures);
        for (Path given : List.of(pictures, link)) { // the link found nothing: its walk started at a link
            List<PictureFiles.Picture> found = PictureFiles.expand(List.of(given));
            assertEquals(List.of(given.resolve("b.png"), given.resolve("sub/a.JPG")),
                    found.stream().map(PictureFiles.Picture::file).toList(), given.toString());
            assertEquals(List.of(Path.of("b.png"), Path.of("sub/a.JPG")),
                    found.stream().map(PictureFiles.Picture::name).toList());
        }
    }
}
