package dev.mnistfcn.cli;

import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.network.NetworkFactory;
import dev.mnistfcn.storage.ModelFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --save-preprocessed never writes over the pictures it predicts, and a picture it cannot save keeps its digit and
 * says why in its own row only. The model is untrained: these are about the files, not the answers.
 */
class PredictSavingTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void tinyModel() throws Exception {
        model = dir.resolve("model.zip");
        ModelFiles.save(NetworkFactory.build(ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of())), model,
                false, null);
    }

    private static Path pictures(String name) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(name));
        for (String sample : new String[]{"drawn-two.png", "blue-pen.jpg"}) {
            Files.copy(Path.of("docs/samples", sample), folder.resolve(sample));
        }
        return folder;
    }

    /** Runs predict; returns exit code, then what it printed and what it said on stderr. */
    private static Object[] predict(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 3];
        all[0] = "predict";
        all[1] = "--model";
        all[2] = model.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        int code = Main.run(all, new PrintStream(out, true), new PrintStream(err, true));
        return new Object[]{code, out.toString(), err.toString()};
    }

    @Test
    void theFolderBeingPredictedIsRefused() throws Exception {
        Path folder = pictures("refused");
        byte[] before = Files.readAllBytes(folder.resolve("drawn-two.png"));
        for (Path target : new Path[]{folder, Files.createDirectories(folder.resolve("inside"))}) {
            Object[] r = predict("--save-preprocessed", target.toString(), folder.toString());
            assertEquals(2, r[0], r[2].toString());
            assertTrue(r[2].toString().startsWith("error: --save-preprocessed " + target + " is inside " + folder),
                    r[2].toString());
        }
        assertArrayEquals(before, Files.readAllBytes(folder.resolve("drawn-two.png")), "the user's picture, untouched");
    }

    /**
     * A folder that holds a picture being predicted: E/a.png's 28×28 form was written over the user's D/a.png, which
     * was then predicted from it (exit 0); a folder not made yet inside the one predicted was not checked.
     */
    @Test
    void aFolderHoldingAPictureBeingPredictedIsRefused() throws Exception {
        Path d = pictures("holder");
        Path e = pictures("elsewhere");
        byte[] before = Files.readAllBytes(d.resolve("drawn-two.png"));
        Object[] r = predict("--save-preprocessed", d.toString(), e.resolve("drawn-two.png").toString(),
                d.resolve("drawn-two.png").toString());
        assertEquals(2, r[0], r[1] + "\n" + r[2]);
        assertTrue(r[2].toString().startsWith("error: --save-preprocessed " + d + " holds " + d.resolve("drawn-two.png")
                + ", a picture being predicted"), r[2].toString());
        Path notYet = d.resolve("sub");
        r = predict("--save-preprocessed", notYet.toString(), d.toString());
        assertEquals(2, r[0], r[1] + "\n" + r[2]);
        assertTrue(r[2].toString().startsWith("error: --save-preprocessed " + notYet + " is inside " + d), r[2].toString());
        assertArrayEquals(before, Files.readAllBytes(d.resolve("drawn-two.png")), "the user's picture, untouched");
        assertTrue(Files.notExists(notYet), "nothing made");
    }

    /**
     * A picture whose 28×28 form cannot be saved keeps its digit in its row (before, the row held the error alone and
     * the digit was lost) and says why apart from the error column; the run exits 1 and counts it apart from a file
     * that could not be predicted; the next picture is still predicted and saved.
     */
    @Test
    void aPictureThatCannotBeSavedKeepsItsDigitAndSaysWhy() throws Exception {
        Path folder = pictures("one-fails");
        Path saveTo = Files.createDirectories(dir.resolve("saved"));
        Files.createDirectories(saveTo.resolve("blue-pen.jpg.png")); // a folder where its file would go
        String missing = folder.resolve("missing.png").toString();
        Object[] r = predict("--save-preprocessed", saveTo.toString(), folder.toString(), missing);
        assertEquals(1, r[0], r[1] + "\n" + r[2]);
        String row = r[1].toString().lines().filter(l -> l.contains("blue-pen.jpg")).findFirst().orElseThrow();
        assertTrue(row.matches(".*blue-pen\\.jpg +\\d +[0-9.]+% +\\d \\([0-9.]+%\\)  not saved: Cannot write "
                + java.util.regex.Pattern.quote(saveTo.resolve("blue-pen.jpg.png").toString()) + ".*"), row);
        assertTrue(Files.isRegularFile(saveTo.resolve("drawn-two.png")), "the next picture was still predicted and saved");
        assertTrue(r[2].toString().contains("1 of 3 files could not be predicted (see their rows)."), r[2].toString());
        assertTrue(r[2].toString().contains("1 of 3 files were predicted but their 28×28 form could not be saved"),
                r[2].toString());

        r = predict("--csv", "--save-preprocessed", saveTo.toString(), folder.toString());
        assertEquals(1, r[0], r[1] + "\n" + r[2]);
        List<String> csv = r[1].toString().lines().toList();
        assertEquals("file,digit,confidence,error,not_saved", csv.get(0));
        String blue = csv.stream().filter(l -> l.contains("blue-pen.jpg")).findFirst().orElseThrow();
        assertTrue(blue.matches(".*blue-pen\\.jpg,\\d,[0-9.]+,,\"?Cannot write .*"), blue);
        assertTrue(csv.stream().anyMatch(l -> l.matches(".*drawn-two\\.png,\\d,[0-9.]+,,")), csv.toString());

        r = predict("--json", "--save-preprocessed", saveTo.toString(), folder.toString());
        assertEquals(1, r[0], r[1] + "\n" + r[2]);
        String json = r[1].toString().lines().filter(l -> l.contains("blue-pen.jpg")).findFirst().orElseThrow();
        assertTrue(json.matches(".*\"digit\":\\d,.*\"error\":null,\"not_saved\":\"Cannot write .*"), json);
        String saved = r[1].toString().lines().filter(l -> l.contains("drawn-two.png")).findFirst().orElseThrow();
        assertFalse(saved.contains("not_saved"), saved);
    }

    /**
     * A link inside DIR to a folder of the user's pictures: pics2/sub/a.png's 28×28 form was written through
     * DIR/sub → pics/sub over pics/sub/a.png. Now that row fails and the user's picture stays.
     */
    @Test
    void aLinkInsideTheFolderLeadingOutIsNotWrittenThrough() throws Exception {
        Path pics = Files.createDirectories(dir.resolve("linked/pics/sub"));
        Path pics2 = Files.createDirectories(dir.resolve("linked/pics2/sub"));
        Files.copy(Path.of("docs/samples/drawn-two.png"), pics.resolve("a.png"));
        Files.copy(Path.of("docs/samples/yellow-paper.png"), pics2.resolve("a.png"));
        byte[] before = Files.readAllBytes(pics.resolve("a.png"));
        Path out = Files.createDirectories(dir.resolve("linked/out"));
        Files.createSymbolicLink(out.resolve("sub"), pics);
        Object[] r = predict("--save-preprocessed", out.toString(), pics2.getParent().toString(),
                pics.getParent().toString());
        assertEquals(1, r[0], r[1] + "\n" + r[2]);
        assertTrue(r[1].toString().contains("would be saved through " + out.resolve("sub")), r[1].toString());
        assertArrayEquals(before, Files.readAllBytes(pics.resolve("a.png")), "the user's picture, untouched");
    }

    /** A missing picture aborted the whole run, blaming DIR ("Cannot read DIR: no such file"); now it is one row. */
    @Test
    void aMissingPictureFailsItsRowOnly() throws Exception {
        Path folder = pictures("one-missing");
        Path saveTo = dir.resolve("saved-missing");
        Path missing = folder.resolve("missing.png");
        Object[] r = predict("--save-preprocessed", saveTo.toString(), missing.toString(),
                folder.resolve("drawn-two.png").toString());
        assertEquals(1, r[0], r[1] + "\n" + r[2]);
        assertTrue(r[2].toString().contains("1 of 2 files could not be predicted"), r[2].toString());
        assertTrue(Files.isRegularFile(saveTo.resolve("drawn-two.png")), "the other picture was predicted and saved");
    }
}
