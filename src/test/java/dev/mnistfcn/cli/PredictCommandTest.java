package dev.mnistfcn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.Json;
import dev.mnistfcn.TestData;
import dev.mnistfcn.TestModels;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.digits.UserPictures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code predict} on a folder of real pictures and broken files, through {@link Main#run} as a user runs it. */
@Tag("slow") // full CLI runs on a model trained for the tests (docs/tests.md#test-tiers)
class PredictCommandTest {
    @TempDir
    static Path pictures;
    static Path model;
    /** MNIST test rows drawn as pictures below, and their labels. */
    static final int[] ROWS = {0, 1, 2};
    static final int[] LABELS = new int[ROWS.length];

    record Run(int code, String out, String err) {
    }

    static Run predict(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void pictures() throws IOException {
        model = TestModels.twoLayer();
        DataSet test = MnistSplits.loadTest(TestData.mnistDir());
        Files.createDirectories(pictures.resolve("more"));
        for (int i = 0; i < ROWS.length; i++) {
            float[] digit = test.getFeatures().getRow(ROWS[i]).toFloatVector();
            LABELS[i] = test.getLabels().getRow(ROWS[i]).argMax().getInt(0);
            UserPictures.Kind kind = UserPictures.Kind.values()[i];
            Path dir = i == 2 ? pictures.resolve("more") : pictures;
            Files.write(dir.resolve("digit" + i + "." + kind.extension), UserPictures.draw(digit, kind, i));
        }
        Files.writeString(pictures.resolve("notes, list.png"), "not a picture\n");
        Files.writeString(pictures.resolve("readme.txt"), "not looked at: not an image name\n");
        Files.write(pictures.resolve("blank.png"), UserPictures.png(new java.awt.image.BufferedImage(40, 30,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY)));
    }

    /** A file named =HYPERLINK(...).png was a formula to a spreadsheet, quoted or not (a review): a ' goes first. */
    @Test
    void csvFieldsASpreadsheetWouldReadAsFormulasStartWithAQuote() {
        assertEquals("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\").png\"", PredictionRows.quote("=HYPERLINK(\"http://x\",\"y\").png"));
        assertEquals("'@SUM(1+1)cmd.png", PredictionRows.quote("@SUM(1+1)cmd.png"));
        assertEquals("'+1.png", PredictionRows.quote("+1.png"));
        assertEquals("digits/7.png", PredictionRows.quote("digits/7.png"));
    }

    @Test
    void csvHasOneRowPerFileAndTheErrorColumn() {
        Run r = predict("predict", "--model", model.toString(), "--csv", pictures.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals("file,digit,confidence,error", lines.get(0));
        assertEquals(List.of(
                pictures.resolve("blank.png") + ",,,no digit found: the picture has no ink (blank or one colour)",
                pictures.resolve("digit0.png") + "," + LABELS[0],
                pictures.resolve("digit1.jpg") + "," + LABELS[1],
                pictures.resolve("more/digit2.png") + "," + LABELS[2],
                "\"" + pictures.resolve("notes, list.png") + "\",,,\"not an image ImageIO can read (PNG, JPEG, BMP or GIF); "
                        + "its first bytes match none of these formats\""),
                lines.subList(1, lines.size()).stream().map(l -> l.matches(".*,\\d,[01]\\.\\d{4},$") ? l.substring(0, l.length() - 8) : l).toList(),
                r.out());
        assertEquals(1, r.code(), "a file failed: exit code 1");
        assertEquals("2 of 5 files could not be predicted (see their rows).\n", r.err());
    }

    @Test
    void jsonIsOneObjectPerLine() throws IOException {
        Path digit = pictures.resolve("digit0.png");
        Run r = predict("predict", "--model", model.toString(), "--json", digit.toString(), pictures.resolve("missing.png").toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        JsonNode ok = Json.MAPPER.readTree(lines.get(0));
        assertEquals(digit.toString(), ok.get("file").asText());
        assertEquals(LABELS[0], ok.get("digit").asInt());
        assertEquals(10, ok.get("probabilities").size());
        double sum = 0;
        for (JsonNode p : ok.get("probabilities")) sum += p.asDouble();
        assertEquals(1, sum, 1e-4);
        assertEquals(ok.get("probabilities").get(LABELS[0]).asDouble(), ok.get("confidence").asDouble(), 1e-6);
        assertTrue(ok.get("error").isNull());
        JsonNode failed = Json.MAPPER.readTree(lines.get(1));
        assertEquals("no such file", failed.get("error").asText());
        assertTrue(failed.get("digit").isNull());
        assertEquals(1, r.code());
    }

    @Test
    void textNamesTheModelAndTheRunnerUpAndSavesWhatTheModelSaw(@TempDir Path saved) throws IOException {
        Run r = predict("predict", "--model", model.toString(), "--save-preprocessed", saved.toString(),
                pictures.resolve("digit0.png").toString(), pictures.resolve("more").toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("Model " + model + ": 784-256-64-10"), lines.get(0));
        assertTrue(lines.get(1).matches("file +digit {2}confidence {2}runner-up"), lines.get(1));
        assertTrue(lines.get(2).matches(java.util.regex.Pattern.quote(pictures.resolve("digit0.png").toString())
                + " +" + LABELS[0] + " +\\d+\\.\\d% {2}\\d \\(\\d+\\.\\d%\\)"), lines.get(2));
        assertEquals(4, lines.size(), r.out());
        assertEquals(0, r.code(), r.err());
        var seen = ImageIO.read(saved.resolve("digit0.png").toFile());
        assertEquals(28, seen.getWidth());
        assertEquals(28, seen.getHeight());
        assertTrue(Files.exists(saved.resolve("digit2.png")), "a folder's pictures are saved under their names in it");
        try (var files = Files.list(saved)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(".tmp-")), "no temporary files left");
        }
        // A file given as the folder: one line before any prediction, not a table ending in an error.
        Path file = saved.resolve("digit0.png");
        Run bad = predict("predict", "--model", model.toString(), "--save-preprocessed", file.toString(),
                pictures.resolve("digit0.png").toString());
        assertEquals(2, bad.code());
        assertEquals("", bad.out());
        assertEquals("error: --save-preprocessed " + file + " is a file, not a folder. Give a folder (it is made if "
                + "missing).", bad.err().strip());
    }

    /** A picture whose name holds a line break and an escape sequence: one row, its name shown with escapes. */
    @Test
    void aStrangeFileNameKeepsToItsRow(@TempDir Path dir) throws IOException {
        Path odd = dir.resolve("new\nline\u001b[2J.png");
        Files.copy(pictures.resolve("digit0.png"), odd);
        Run r = predict("predict", "--model", model.toString(), dir.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(2).startsWith(dir + "/new\\nline\\u001b[2J.png  "), lines.get(2));
        assertFalse(r.out().contains("\u001b"), r.out());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void aMissingModelSaysHowToTrainOne() {
        Run r = predict("predict", "--model", pictures.resolve("none.zip").toString(), pictures.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: No model at " + pictures.resolve("none.zip") + ": train one with `mvn "
                + "compile exec:java -Dconfig=two-layer.yaml`"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void aModelLinkThatLeadsNowhereIsSaidToBeOne() throws IOException {
        Path link = Files.createSymbolicLink(pictures.resolve("gone.zip"), Path.of("/nonexistent/model.zip"));
        Run r = predict("predict", "--model", link.toString(), pictures.toString());
        assertEquals(2, r.code());
        assertEquals("error: Model file " + link + " is a link to /nonexistent/model.zip that leads nowhere: its target "
                + "is missing, or links loop. Give the path of a .zip file.", r.err().strip());
    }

    @Test
    void aFolderWithoutPicturesAndNoPathsAreUserErrors(@TempDir Path empty) {
        Run none = predict("predict", "--model", model.toString(), empty.toString());
        assertEquals(2, none.code());
        assertTrue(none.err().startsWith("error: No pictures found in [" + empty + "]"), none.err());
        Run both = predict("predict", "--csv", "--json", pictures.toString());
        assertEquals(2, both.code(), "--csv and --json together are refused: " + both.err());
    }

    /** {@code mvn exec:java -Dpredict=A,B -Dmodel=ZIP} runs predict. */
    @Test
    void systemPropertiesNameThePicturesAndTheModel() {
        System.setProperty("predict", pictures.resolve("digit0.png") + "," + pictures.resolve("digit1.jpg"));
        System.setProperty("model", model.toString());
        try {
            Run r = predict();
            assertEquals(0, r.code(), r.err());
            assertEquals(4, r.out().lines().count(), r.out());
            assertTrue(Arrays.stream(r.out().split("\n")).anyMatch(l -> l.startsWith(pictures.resolve("digit1.jpg").toString())), r.out());
        } finally {
            System.clearProperty("predict");
            System.clearProperty("model");
        }
    }

    /**
     * Rows sent to a file that cannot take them (/dev/full: always full) are an error and exit 1: predict's JSON
     * lines to a full disk had ended in the middle of an object and exited 0 without a word (a review).
     */
    @Test
    void outputThatCannotBeWrittenIsAnError() throws Exception {
        Process p = new ProcessBuilder(dev.mnistfcn.sweep.ChildJvm.command(List.of(), Main.class.getName(), List.of(
                "predict", "--json", "-m", model.toString(), "docs/samples/canvas-export.png")))
                .redirectOutput(new java.io.File("/dev/full")).start();
        String err = new String(p.getErrorStream().readAllBytes()).replace(AttachedChild.INCUBATOR_WARNING, "").strip();
        assertEquals(1, p.waitFor(), err);
        assertEquals("error: the command's output could not all be written to /dev/full (a full disk, or a file that "
                + "cannot grow): what is there is incomplete. Free space there, or send the output elsewhere.", err);
    }
}
