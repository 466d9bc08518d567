package dev.mnistfcn.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.TestData;
import dev.mnistfcn.cli.Main;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.predict.DigitClassifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PyTorch → mnist-fcn: a 784-128-64-10 MLP trained by PyTorch inside the test (400 steps of 64 images, inputs
 * normalised with MNIST's mean and std as PyTorch's examples do, raw logits out), exported by torch.onnx.export
 * (the TorchScript exporter at opsets 13, 17 and 21, and the torch.export one), then read here: every file evaluates
 * to PyTorch's own test accuracy, with PyTorch's digit for each test image and its probabilities within 1e-5.
 */
@EnabledIf(value = "dev.mnistfcn.interop.PythonRuntimes#presentOrCi", disabledReason = "skipped: needs the venv "
        + "target/py with torch (.ci/run makes it; CI=true fails without it)")
@Tag("slow") // trains PyTorch MLPs in Python (docs/tests.md#test-tiers)
class PyTorchImportTest {
    static final String SCALE = "mean=0.1307,std=0.3081";

    @TempDir
    static Path dir;
    static JsonNode torch;
    static float[][] torchProbabilities;
    static DataSet test;

    @BeforeAll
    static void train() throws Exception {
        PythonRuntimes.require();
        Path probs = dir.resolve("torch-probabilities.f32");
        torch = PythonRuntimes.run(dir, "torch", "--mnist", TestData.mnistDir().toString(), "--out", dir.toString(),
                "--steps", "400", "--normalise", "--opsets", "13,17,21", "--dynamo", "--probabilities", probs.toString());
        torchProbabilities = Agreement.read(probs);
        test = MnistSplits.loadTest(TestData.mnistDir());
    }

    @Test
    void everyExportEvaluatesToPyTorchsOwnAccuracy() {
        List<String> files = new ArrayList<>();
        torch.get("files").fieldNames().forEachRemaining(files::add);
        assertEquals(4, files.size());
        for (String file : files) {
            long t0 = System.nanoTime();
            var net = ModelSource.load(Path.of(file), SCALE).network();
            double load = (System.nanoTime() - t0) / 1e9;
            Agreement a = Agreement.of(net, test, torch.get("predicted"), torchProbabilities);
            // For docs/interop.md's round-trip table (timings are not asserted: the machine is shared).
            System.out.printf(Locale.ROOT, "interop pytorch %s %s: %s (torch correct %d), load %.3f s%n", file,
                    torch.at("/files").get(file), a, torch.get("correct").asInt(), load);
            assertEquals(torch.get("correct").asInt(), a.correct(), file + ": PyTorch's own test accuracy");
            assertEquals(10_000, a.sameDigit(), file + ": PyTorch's digit for every test image");
            assertTrue(a.maxDiff() <= 1e-5, file + ": max |Δp| " + a.maxDiff());
        }
    }
    @Test
    void evaluateAndPredictTakeTheOnnxFile() throws Exception {
        String file = dir.resolve("torch-mlp-opset17.onnx").toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(out, true);
        int code = Main.run(new String[]{"evaluate", "--model", file, "--input-scale", SCALE, "--engine", "fused"},
                console, console);
        assertEquals(0, code, out.toString());
        String accuracy = String.format(Locale.ROOT, "Test accuracy %.2f%%", 100 * torch.get("accuracy").asDouble());
        assertTrue(out.toString().contains(accuracy), "expected '" + accuracy + "' in:\n" + out);
        assertTrue(out.toString().contains("784-128-64-10"), out.toString());

        DigitClassifier classifier = DigitClassifier.load(Path.of(file), "auto", SCALE);
        for (int i = 0; i < 20; i++) {
            float[] pixels = test.getFeatures().getRow(i).toFloatVector();
            assertEquals(torch.get("predicted").get(i).asInt(), classifier.classify(pixels).digit(), "test image " + i);
        }
    }

    @Test
    void withoutItsInputScaleTheModelIsMuchWorse() {
        // The same file read as if it took plain 0..1 pixels: the convention matters, hence --input-scale.
        var net = ModelSource.load(dir.resolve("torch-mlp-opset17.onnx"), null).network();
        float[][] p = net.output(test.getFeatures()).toFloatMatrix();
        int agree = 0;
        for (int i = 0; i < p.length; i++) agree += Agreement.argmax(p[i]) == torch.get("predicted").get(i).asInt() ? 1 : 0;
        assertTrue(agree < 9_900, "agreement without the normalisation: " + agree);
    }
}
