package dev.mnistfcn.predict;

import dev.mnistfcn.ModelProvenance;
import dev.mnistfcn.UserError;
import dev.mnistfcn.cli.Main;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.network.NetworkFactory;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.ModelMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model whose training diverged (NaN weights) is refused when loaded, not answered with "0 at NaN%". */
class DigitClassifierTest {
    @Test
    void aModelWithWeightsThatAreNotNumbersIsRefused(@TempDir Path dir) throws Exception {
        var net = NetworkFactory.build(ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of()));
        net.params().putScalar(7, Float.NaN);
        net.params().putScalar(200_000, Float.POSITIVE_INFINITY);
        Path zip = dir.resolve("diverged.zip");
        ModelFiles.save(net, zip, false, null);
        String expected = "Model " + zip + " has 2 of 218,058 weights that are not finite numbers (NaN or infinity): its "
                + "training diverged, so nothing it answers would mean anything. Train it again with a lower "
                + "training.updater.learning_rate.";
        assertEquals(expected, assertThrows(UserError.class, () -> DigitClassifier.load(zip, "auto")).getMessage());
        var err = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[]{"predict", "--model", zip.toString(), "docs/samples/drawn-two.png"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true)));
        assertEquals("error: " + expected, err.toString().strip());
        var evaluated = new ByteArrayOutputStream(); // evaluate stopped at "NaNs present in predictions", a stack trace
        assertEquals(2, Main.run(new String[]{"evaluate", zip.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(evaluated, true)));
        assertEquals("error: " + expected, evaluated.toString().strip());
    }

    /** A Fashion-MNIST model answered pictures as digits, "72.27% on MNIST's test set when saved" (a review). */
    @Test
    void aModelOfAnotherDatasetIsNotAskedAboutPictures(@TempDir Path dir) throws Exception {
        var net = NetworkFactory.build(ConfigLoader.load(Path.of("config/fashion-one-layer.yaml"), Map.of()));
        var provenance = ModelProvenance.recorded("fashion-one-layer", "name: fashion-one-layer\n", 1L, "fused",
                new ModelProvenance.Data("fashion-mnist", Map.of(), 55_000, 5_000, 10_000), 1, "2026-01-01T00:00:00Z",
                Map.of());
        Path zip = dir.resolve("fashion.zip");
        ModelFiles.save(net, zip, true, new ModelMetadata(provenance, 1, 0.5, 0.7, 0.72, List.of()));
        String message = assertThrows(UserError.class, () -> DigitClassifier.load(zip, "auto")).getMessage();
        assertTrue(message.startsWith("Model " + zip + " was trained on Fashion-MNIST, but predict and serve read "
                + "pictures as MNIST's handwritten digits were made"), message);
        assertTrue(message.endsWith("or 'evaluate " + zip + "' for its own test set."), message);
        // exported as ONNX it records its dataset too, and was answered (a review of the first version of this check)
        assertEquals(0, Main.run(new String[]{"export", zip.toString(), "--format", "onnx"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
        Path onnx = dir.resolve("fashion.onnx");
        String fromOnnx = assertThrows(UserError.class, () -> DigitClassifier.load(onnx, "auto")).getMessage();
        assertTrue(fromOnnx.startsWith("Model " + onnx + " was trained on Fashion-MNIST"), fromOnnx);
        // and that .onnx converted back to a DL4J zip lost its dataset and was answered again (a review): refused
        var err = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[]{"export", onnx.toString(), "--format", "dl4j", "--out",
                dir.resolve("back").toString()}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true)));
        assertTrue(err.toString().startsWith("error: export --format dl4j of " + onnx + ": its metadata_props say it was "
                + "trained on fashion-mnist"), err.toString());
        assertFalse(Files.exists(dir.resolve("back/fashion-inference.zip")));
    }

    /** JSON pixels skip the recipe: a lone dot got a digit through the check (a review). Too little ink is refused. */
    @Test
    void pixelsWithAlmostNoInkAreNotADigit() {
        var rnd = new java.util.Random(4);
        java.util.function.IntFunction<byte[]> floats = n -> {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) f[i] = (float) rnd.nextGaussian();
            return dev.mnistfcn.storage.NotADigitCheck.bytes(f);
        };
        var check = new NotADigit(new dev.mnistfcn.storage.NotADigitCheck(dev.mnistfcn.storage.NotADigitCheck.METHOD, 4,
                floats.apply(784 * 4), floats.apply(4), floats.apply(8), floats.apply(2), 0.0, // 0: the detector never refuses
                new dev.mnistfcn.storage.NotADigitCheck.Calibration(100, 0.02, 50, 0.9, "2026-12-05T12:00:00Z")));
        float[] dot = new float[784];
        dot[14 * 28 + 14] = 1;
        assertTrue(check.refuses(dot));
        float[] stroke = new float[784];
        for (int r = 4; r < 24; r++) stroke[r * 28 + 14] = 1; // a thin 1: 20 px of ink, about MNIST's least
        assertFalse(check.refuses(stroke));
    }

    @Test
    void anEngineThatDoesNotExistIsNamedWithTheFourThatDo(@TempDir Path dir) throws Exception {
        var net = NetworkFactory.build(ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of()));
        Path zip = dir.resolve("m.zip");
        ModelFiles.save(net, zip, false, null);
        assertEquals("--engine 'ONNX' is not an engine that predicts here. Expected auto, dl4j, fused or "
                + "onnxruntime.", assertThrows(UserError.class, () -> DigitClassifier.load(zip, "ONNX")).getMessage());
    }
}
