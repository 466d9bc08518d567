package dev.mnistfcn.storage;

import dev.mnistfcn.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The not-a-digit check in a model zip: old zips have none, a written one reads back, a damaged one is refused. */
class NotADigitEntryTest {
    @TempDir
    Path dir;

    static NotADigitCheck check(int hidden, double threshold) {
        Random rnd = new Random(hidden);
        return new NotADigitCheck(NotADigitCheck.METHOD, hidden, floats(784 * hidden, rnd), floats(hidden, rnd),
                floats(2 * hidden, rnd), floats(2, rnd), threshold,
                new NotADigitCheck.Calibration(100, 0.02, 50, 0.9, "2026-12-05T12:00:00Z"));
    }

    static byte[] floats(int n, Random rnd) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) rnd.nextGaussian();
        return NotADigitCheck.bytes(f);
    }

    @Test
    void anOldZipHasNoCheckAndAWrittenOneReadsBackReplacingTheLast() throws Exception {
        Path zip = dir.resolve("model.zip");
        ModelFiles.save(ModelFilesTest.plainNet(784, 10), zip, true, null);
        assertTrue(ModelFiles.load(zip, true).notADigit().isEmpty(), "a zip without the entry has no check");

        NotADigitEntry.write(zip, check(8, 0.3));
        NotADigitCheck second = check(4, 0.25);
        NotADigitEntry.write(zip, second);
        var loaded = ModelFiles.load(zip, true);
        NotADigitCheck read = loaded.notADigit().orElseThrow();
        assertEquals(4, read.hidden());
        assertEquals(0.25, read.threshold());
        assertArrayEquals(second.w1(), read.w1());
        assertEquals(second.calibration(), read.calibration());
        assertTrue(loaded.hasUpdaterState(), "the other entries are copied as they were");
        try (var z = new ZipFile(zip.toFile())) {
            assertEquals(1, z.stream().filter(e -> e.getName().equals(NotADigitCheck.ENTRY)).count());
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left");
        }
        // A zip its owner made read-only keeps its permissions (calibrate made it rw-r--r--: a CLI review)
        var readOnly = java.nio.file.attribute.PosixFilePermissions.fromString("r--r-----");
        Files.setPosixFilePermissions(zip, readOnly);
        NotADigitEntry.write(zip, check(4, 0.2));
        assertEquals(readOnly, Files.getPosixFilePermissions(zip));
    }

    /** export --format dl4j of a calibrated model: its inference zip answered a digit for everything. */
    @Test
    void theInferenceZipKeepsTheCheckAndTheOtherFormatsSayTheyDoNot() throws Exception {
        Path zip = Files.createDirectories(dir.resolve("calibrated")).resolve("model.zip");
        ModelFiles.save(ModelFilesTest.plainNet(784, 10), zip, true, null);
        NotADigitEntry.write(zip, check(4, 0.25));
        var out = new java.io.ByteArrayOutputStream();
        assertEquals(0, dev.mnistfcn.cli.Main.run(new String[]{"export", zip.toString(), "--format", "dl4j,onnx"},
                new java.io.PrintStream(out, true), System.err));
        assertEquals(check(4, 0.25).threshold(), ModelFiles.load(zip.resolveSibling("model-inference.zip"), false)
                .notADigit().orElseThrow().threshold());
        assertTrue(out.toString().contains("the .onnx and .pb files hold the network only"), out.toString());
    }

    @Test
    void everyPartOfACheckFromAStrangerIsChecked() {
        assertNull(check(4, 0.5).problem());
        NotADigitCheck c = check(4, 0.5);
        assertTrue(new NotADigitCheck("other", 4, c.w1(), c.b1(), c.w2(), c.b2(), 0.5, null).problem().contains("method"));
        assertTrue(new NotADigitCheck(c.method(), 0, c.w1(), c.b1(), c.w2(), c.b2(), 0.5, null).problem().contains("hidden"));
        assertTrue(new NotADigitCheck(c.method(), 1 << 20, c.w1(), c.b1(), c.w2(), c.b2(), 0.5, null).problem().contains("hidden"));
        assertTrue(new NotADigitCheck(c.method(), 5, c.w1(), c.b1(), c.w2(), c.b2(), 0.5, null).problem().contains("sizes"));
        assertTrue(new NotADigitCheck(c.method(), 4, null, c.b1(), c.w2(), c.b2(), 0.5, null).problem().contains("sizes"));
        assertTrue(new NotADigitCheck(c.method(), 4, c.w1(), c.b1(), c.w2(), c.b2(), Double.NaN, null).problem().contains("threshold"));
        assertTrue(new NotADigitCheck(c.method(), 4, c.w1(), c.b1(), c.w2(), c.b2(), 2, null).problem().contains("threshold"));
        byte[] infinite = c.b2().clone();
        Arrays.fill(infinite, 0, 4, (byte) 0);
        System.arraycopy(NotADigitCheck.bytes(new float[]{Float.POSITIVE_INFINITY}), 0, infinite, 0, 4);
        assertTrue(new NotADigitCheck(c.method(), 4, c.w1(), c.b1(), c.w2(), infinite, 0.5, null).problem().contains("finite"));
        assertTrue(new NotADigitCheck(c.method(), 4, c.w1(), c.b1(), c.w2(), c.b2(), 0.5, null).problem()
                .contains("calibration record is missing"));
        var odd = new NotADigitCheck.Calibration(-5, 7.0, 50, 0.9, "2026-12-05T12:00:00Z"); // inspect showed it as it was
        assertTrue(new NotADigitCheck(c.method(), 4, c.w1(), c.b1(), c.w2(), c.b2(), 0.5, odd).problem()
                .contains("calibration record's counts"));
    }

    /**
     * A damaged check no longer makes the whole zip unreadable: predict and serve refuse it (without the check they
     * would call anything a digit), but inspect, evaluate and export read the network, and calibrate (the fix the
     * message names, which was refused with the same message) can replace it.
     */
    @Test
    void aDamagedCheckBlocksPredictionsOnly() throws Exception {
        Path zip = dir.resolve("damaged.zip");
        ModelFiles.save(ModelFilesTest.plainNet(784, 10), zip, true, null);
        try (var fs = java.nio.file.FileSystems.newFileSystem(zip)) {
            Files.writeString(fs.getPath(NotADigitCheck.ENTRY), "hello");
        }
        var loaded = ModelFiles.load(zip, false);
        assertTrue(loaded.notADigit().isEmpty() && loaded.damagedCheck().orElseThrow().contains("has an unusable "
                + NotADigitCheck.ENTRY), loaded.damagedCheck().toString());
        UserError e = assertThrows(UserError.class, () -> dev.mnistfcn.predict.DigitClassifier.load(zip, "auto"));
        assertTrue(e.getMessage().contains("calibrate"), e.getMessage());
        var out = new java.io.ByteArrayOutputStream();
        assertEquals(0, dev.mnistfcn.cli.Main.run(new String[]{"inspect", zip.toString()}, new java.io.PrintStream(out, true),
                System.err));
        assertTrue(out.toString().contains("not-a-digit check: damaged. Model file"), out.toString());
        out.reset();
        assertEquals(0, dev.mnistfcn.cli.Main.run(new String[]{"export", zip.toString(), "--format", "dl4j"},
                new java.io.PrintStream(out, true), System.err));
        assertTrue(out.toString().contains("not-a-digit check is damaged and was not exported"), out.toString());
        assertTrue(ModelFiles.load(dir.resolve("damaged-inference.zip"), false).damagedCheck().isEmpty());

        Path calibrated = dir.resolve("calibrated.zip");
        ModelFiles.save(ModelFilesTest.plainNet(784, 10), calibrated, true, null);
        NotADigitEntry.write(calibrated, check(4, 0.25));
        out.reset();
        assertEquals(0, dev.mnistfcn.cli.Main.run(new String[]{"inspect", calibrated.toString()},
                new java.io.PrintStream(out, true), System.err));
        assertTrue(out.toString().contains("not-a-digit check: on, threshold 0.2500 (calibrated 2026-12-05T12:00:00Z: "
                + "refuses 2.0% of 100 validation digits and 90.0% of 50 made negatives)"), out.toString());
    }

    @Test
    void aDamagedEntryIsOneParagraphNamingTheFileAndTheFix() {
        Path zip = dir.resolve("model.zip");
        UserError e = assertThrows(UserError.class, () -> NotADigitEntry.read(zip, "{\"hidden\": \"many\"".getBytes()));
        assertTrue(e.getMessage().startsWith("Model file " + zip + " has an unusable " + NotADigitCheck.ENTRY)
                && e.getMessage().contains("calibrate") && e.getMessage().lines().count() == 1, e.getMessage());
        assertTrue(e.getMessage().contains("key 'hidden' is of the wrong type: it is not a whole number"), e.getMessage());
        e = assertThrows(UserError.class, () -> NotADigitEntry.read(zip, "[]".getBytes())); // named our class before
        assertTrue(e.getMessage().contains("the entry is of the wrong type: it is not a mapping of keys")
                && !e.getMessage().contains("dev.mnistfcn"), e.getMessage());
        e = assertThrows(UserError.class, () -> NotADigitEntry.read(zip, ("{\"method\":\"" + NotADigitCheck.METHOD + "\"}").getBytes()));
        assertTrue(e.getMessage().contains("hidden is 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NotADigitEntry.write(zip, check(4, 7)), "never written unsound");
    }
}
