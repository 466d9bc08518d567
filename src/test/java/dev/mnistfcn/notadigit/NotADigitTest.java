package dev.mnistfcn.notadigit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.Json;
import dev.mnistfcn.TestData;
import dev.mnistfcn.TestModels;
import dev.mnistfcn.UserError;
import dev.mnistfcn.cli.Main;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.digits.HandwrittenDigits;
import dev.mnistfcn.digits.UserPictures;
import dev.mnistfcn.predict.DigitClassifier;
import dev.mnistfcn.predict.Prediction;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.NotADigitCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The not-a-digit check on a real two-layer model trained and calibrated for the tests ({@link TestModels}): the
 * 160 held-out pictures (scripts/NotDigitPngs.java: Liberation fonts, scribbles, noise, grids, smileys, shapes; never
 * seen by the calibration) and people's digit pictures, read from their file bytes through the real digits path.
 * The test's calibration uses a fifth of {@code calibrate}'s data, so its bounds sit below the documented figures.
 */
@Tag("slow") // trains and calibrates a model (docs/tests.md#test-tiers)
class NotADigitTest {
    static final Path NOT_DIGITS = Path.of("src/test/resources/dev/mnistfcn/notadigit/not-digits");
    static final Path SMILEY = NOT_DIGITS.resolve("smiley-136.png");
    static final int PEOPLE = 200;

    @TempDir
    Path dir;

    static List<Path> notDigits() throws IOException {
        try (Stream<Path> files = Files.list(NOT_DIGITS)) {
            return files.sorted().toList();
        }
    }

    /** Refused: "not a digit", or "no digit found" when the recipe finds no ink at all. */
    static boolean refused(DigitClassifier model, Path picture) {
        try {
            return model.classify(picture).notADigit();
        } catch (UserError e) {
            assertTrue(e.getMessage().contains("no digit found"), e.getMessage());
            return true;
        }
    }

    @Test
    void heldOutNotDigitsAreRefusedAndPeoplesDigitsAreNot() throws IOException {
        DigitClassifier model = DigitClassifier.load(TestModels.calibratedTwoLayer(), "fused");
        assertTrue(model.info().notADigit());
        List<Path> pictures = notDigits();
        assertEquals(160, pictures.size());
        long refused = pictures.stream().filter(p -> refused(model, p)).count();

        DataSet test = MnistSplits.loadTest(TestData.mnistDir());
        int digitsRefused = 0, right = 0;
        for (int n = 0; n < PEOPLE; n++) {
            int row = 7 + 50 * n;
            float[] mnist = test.getFeatures().getRow(row).toFloatVector();
            int label = test.getLabels().getRow(row).argMax().getInt(0);
            byte[] bytes = n % 2 == 0
                    ? UserPictures.draw(mnist, UserPictures.Kind.values()[n / 2 % 4], row)
                    : HandwrittenDigits.draw(mnist, HandwrittenDigits.Pen.values()[n / 2 % 4], row);
            Prediction p = model.classify(bytes, "digit " + row);
            if (p.notADigit()) digitsRefused++;
            else if (p.digit() == label) right++;
        }
        // Pens 9 to 19 px on a 336 px digit (0.9 to 1.8 box pixels): before the recipe widened them, a check refused
        // 6-66% of such digits (docs/not-a-digit.md, "Fine and medium pens").
        int mediumRefused = 0;
        for (int n = 0; n < PEOPLE / 2; n++) {
            int row = 24 + 99 * n;
            byte[] picture = HandwrittenDigits.mediumPen(test.getFeatures().getRow(row).toFloatVector(), n);
            if (model.classify(picture, "digit " + row).notADigit()) mediumRefused++;
        }
        System.out.printf(Locale.ROOT, "NotADigitTest: %d of %d held-out not-digit pictures refused (%.1f%%); %d of %d "
                        + "people's digit pictures refused (%.1f%%), %d right; %d of %d medium-pen digits refused%n",
                refused, pictures.size(), 100.0 * refused / pictures.size(), digitsRefused, PEOPLE,
                100.0 * digitsRefused / PEOPLE, right, mediumRefused, PEOPLE / 2);
        // 66.3%, 1.0% and 2 of 100 measured (2026-12-07); the model's own confidence refuses 30% at the same cost
        assertTrue(refused >= 0.55 * pictures.size(), refused + " of " + pictures.size() + " refused");
        assertTrue(digitsRefused <= 0.03 * PEOPLE, digitsRefused + " of " + PEOPLE + " digits refused");
        assertTrue(mediumRefused <= 6, mediumRefused + " of " + PEOPLE / 2 + " medium-pen digits refused");
    }

    @Test
    void aZipWithoutTheCheckNeverRefuses() throws IOException {
        DigitClassifier old = DigitClassifier.load(TestModels.twoLayer(), "fused");
        assertFalse(old.info().notADigit());
        for (Path picture : notDigits()) {
            try {
                assertFalse(old.classify(picture).notADigit(), picture.toString());
            } catch (UserError e) {
                assertTrue(e.getMessage().contains("no digit found"), e.getMessage()); // no ink: with or without a check
            }
        }
        assertTrue(run("predict", "--model", TestModels.twoLayer().toString(), "--csv", SMILEY.toString())
                .lines().skip(1).findFirst().orElseThrow().matches(".*,\\d,[01]\\.\\d{4},"), "a digit for the smiley");
    }

    @Test
    void predictAnswersNotADigitInTheErrorColumn() throws IOException {
        Path digit = dir.resolve("digit.png");
        float[] seven = MnistSplits.loadTest(TestData.mnistDir()).getFeatures().getRow(0).toFloatVector();
        Files.write(digit, UserPictures.draw(seven, UserPictures.Kind.YELLOW_PAPER_PNG, 0));
        Path smiley = Files.copy(SMILEY, dir.resolve("smiley.png"));
        String zip = TestModels.calibratedTwoLayer().toString();

        String[] csv = run("predict", "--model", zip, "--csv", digit.toString(), smiley.toString()).lines().toArray(String[]::new);
        assertEquals("file,digit,confidence,error", csv[0]);
        assertTrue(csv[1].startsWith(digit + ",7,") && csv[1].endsWith(","), csv[1]);
        assertEquals(smiley + ",,,not a digit", csv[2]);

        String[] json = run("predict", "--model", zip, "--json", smiley.toString()).lines().toArray(String[]::new);
        JsonNode row = Json.MAPPER.readTree(json[0]);
        assertEquals("not a digit", row.get("error").asText());
        assertTrue(row.get("digit").isNull());
        assertEquals(10, row.get("probabilities").size(), "the probabilities are still there");

        String text = run("predict", "--model", zip, smiley.toString());
        assertTrue(text.contains("not-a-digit check on") && text.contains("not a digit (most like "), text);
    }

    static String run(String... args) {
        var out = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true), new PrintStream(new ByteArrayOutputStream(), true));
        assertEquals(0, code, "a refused picture is an answer, not a failure: " + out);
        return out.toString();
    }

    @Test
    void aDamagedCheckIsOneClearParagraph() throws IOException {
        Path zip = dir.resolve("damaged.zip");
        replaceCheck(TestModels.calibratedTwoLayer(), zip, "{\"method\":\"" + NotADigitCheck.METHOD
                + "\",\"hidden\":64,\"threshold\":2}");
        // predict and serve refuse it; the zip itself still loads (calibrate replaces the check, inspect shows it)
        UserError e = assertThrows(UserError.class, () -> DigitClassifier.load(zip, "auto"));
        assertTrue(e.getMessage().contains(NotADigitCheck.ENTRY) && e.getMessage().contains("calibrate"), e.getMessage());
        assertTrue(ModelFiles.load(zip, false).damagedCheck().isPresent());

        replaceCheck(TestModels.calibratedTwoLayer(), zip, "{\"method\": [1, 2");
        e = assertThrows(UserError.class, () -> DigitClassifier.load(zip, "auto"));
        assertTrue(e.getMessage().contains(NotADigitCheck.ENTRY) && e.getMessage().lines().count() == 1, e.getMessage());
    }

    /** {@code from} copied to {@code to} with its check's JSON replaced by {@code json}. */
    static void replaceCheck(Path from, Path to, String json) throws IOException {
        try (var in = new ZipInputStream(Files.newInputStream(from)); var out = new ZipOutputStream(Files.newOutputStream(to))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.putNextEntry(new ZipEntry(e.getName()));
                if (e.getName().equals(NotADigitCheck.ENTRY)) out.write(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                else in.transferTo(out);
                out.closeEntry();
            }
        }
    }
}
