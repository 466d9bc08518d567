package dev.mnistfcn.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.TestData;
import dev.mnistfcn.data.MnistSplits;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keras → mnist-fcn: a Keras 3 MLP (Flatten, ReLU, sigmoid, softmax) trained inside the test for one epoch on 10,000
 * images, exported by {@code model.export(format="onnx")} (Keras's torch backend: its TensorFlow backend needs tf2onnx,
 * which the machine's wheels lack), read here: Keras's own accuracy, digit for digit, probabilities within 1e-5.
 */
@EnabledIf(value = "dev.mnistfcn.interop.PythonRuntimes#presentOrCi", disabledReason = "skipped: needs the venv "
        + "target/py with keras and torch (.ci/run makes it; CI=true fails without it)")
@Tag("slow") // trains a Keras MLP in Python (docs/tests.md#test-tiers)
class KerasImportTest {
    @TempDir
    Path dir;

    @Test
    void kerasExportEvaluatesToKerassOwnAccuracy() throws Exception {
        PythonRuntimes.require();
        Path probs = dir.resolve("keras-probabilities.f32");
        JsonNode keras = PythonRuntimes.run(dir, "keras", "--mnist", TestData.mnistDir().toString(), "--out",
                dir.toString(), "--probabilities", probs.toString());
        Path file = dir.resolve("keras-mlp.onnx");
        long t0 = System.nanoTime();
        var net = ModelSource.load(file, null).network();
        double load = (System.nanoTime() - t0) / 1e9;
        Agreement a = Agreement.of(net, MnistSplits.loadTest(TestData.mnistDir()), keras.get("predicted"), Agreement.read(probs));
        System.out.printf(Locale.ROOT, "interop keras %s: %s (keras correct %d), load %.3f s%n",
                keras.at("/files").elements().next(), a, keras.get("correct").asInt(), load);
        assertEquals(keras.get("correct").asInt(), a.correct(), "Keras's own test accuracy");
        assertEquals(10_000, a.sameDigit(), "Keras's digit for every test image");
        assertTrue(a.maxDiff() <= 1e-5, "max |Δp| " + a.maxDiff());
    }
}
