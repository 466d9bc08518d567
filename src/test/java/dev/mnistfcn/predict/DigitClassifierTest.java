package dev.mnistfcn.predict;

import dev.mnistfcn.UserError;
import dev.mnistfcn.cli.Main;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.network.NetworkFactory;
import dev.mnistfcn.storage.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void anEngineThatDoesNotExistIsNamedWithTheFourThatDo(@TempDir Path dir) throws Exception {
        var net = NetworkFactory.build(ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of()));
        Path zip = dir.resolve("m.zip");
        ModelFiles.save(net, zip, false, null);
        assertEquals("--engine 'ONNXRuntime' is not an engine that predicts here. Expected auto, dl4j, fused or "
                + "onnxruntime.", assertThrows(UserError.class, () -> DigitClassifier.load(zip, "ONNXRuntime")).getMessage());
    }
}
