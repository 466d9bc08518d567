package dev.mnistfcn.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.TestData;
import dev.mnistfcn.TestModels;
import dev.mnistfcn.cli.Main;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.job.TrainingJob;
import dev.mnistfcn.storage.ModelFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mnist-fcn → ONNX Runtime and mnist-fcn → TensorFlow, checked by the runtimes themselves: {@code export --format
 * onnx,tf}, then the .onnx in ONNX Runtime (after the ONNX checker) and the .pb through the tutorial's reading code in
 * TensorFlow 2.21, on MNIST's 10,000 test images: the same digit for every image and probabilities within 1e-5 of
 * DL4J's own. Two networks: the tutorial's two-layer (ReLU) and tuned.yaml's shape (input and hidden dropout, which
 * must vanish at inference).
 */
@EnabledIf(value = "dev.mnistfcn.interop.PythonRuntimes#presentOrCi", disabledReason = "skipped: needs the venv "
        + "target/py with onnxruntime and tensorflow-cpu (.ci/run makes it; CI=true fails without it)")
@Tag("slow") // exports trained models and runs ONNX Runtime and TensorFlow in Python (docs/tests.md#test-tiers)
class InteropRoundTripTest {
    static final double MAX_DIFF = 1e-5;

    @TempDir
    static Path dir;
    static DataSet test;

    @BeforeAll
    static void load() {
        PythonRuntimes.require();
        test = MnistSplits.loadTest(TestData.mnistDir());
    }

    @Test
    void twoLayerRunsTheSameInOnnxRuntimeAndTensorFlow() throws Exception {
        JsonNode r = exportAndCheck(TestModels.twoLayer(), "two-layer");
        assertEquals("two-layer", r.at("/onnxruntime/metadata/run_name").asText());
        assertEquals(TestModels.twoLayerTestAccuracy(), r.at("/onnxruntime/metadata/test_accuracy").asDouble(), 1e-4);
        assertEquals("0..1", r.at("/onnxruntime/metadata/input_scale").asText());
    }

    @Test
    void tunedShapeWithDropoutRunsTheSame() throws Exception {
        // tuned.yaml's network (784-1024-1024-10, input dropout 0.1, hidden dropout 0.3), one epoch on 5,000 images:
        // enough for weights far from their initial ones; dropout must be the identity in every runtime.
        Path out = dir.resolve("tuned-run");
        new TrainingJob(ConfigLoader.load(Path.of("config/tuned.yaml"), Map.of("training.epochs", "1",
                "data.train_limit", "5000", "checkpoint.every", "0", "data.dir", TestData.mnistDir().toString(),
                "output.dir", out.toString())), new PrintStream(new ByteArrayOutputStream()), false).run();
        JsonNode r = exportAndCheck(out.resolve("tuned/model.zip"), "tuned");
        assertEquals("tuned", r.at("/onnxruntime/metadata/run_name").asText());
    }

    /** Exports {@code zip} as ONNX and TensorFlow, and checks both runtimes against DL4J's probabilities. */
    private static JsonNode exportAndCheck(Path zip, String name) throws Exception {
        Path out = Files.createDirectories(dir.resolve(name));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"export", "--model", zip.toString(), "--format", "onnx,tf", "--out",
                out.toString()}, new PrintStream(text), new PrintStream(text));
        assertEquals(0, code, text.toString());
        long t0 = System.nanoTime();
        var net = ModelFiles.load(zip, false).network();
        long t1 = System.nanoTime();
        float[][] probs = net.output(test.getFeatures()).toFloatMatrix();
        long t2 = System.nanoTime();
        Path reference = out.resolve("dl4j-probabilities.f32");
        Files.write(reference, OnnxExport.littleEndian(OnnxExport.flat(probs)));
        JsonNode r = PythonRuntimes.run(out, "check", "--mnist", TestData.mnistDir().toString(), "--reference",
                reference.toString(), "--onnx", out.resolve("model.onnx").toString(), "--pb", out.resolve("model.pb").toString());
        // For docs/interop.md's round-trip table (timings are not asserted: the machine is shared).
        System.out.printf("interop %s: dl4j load %.3f s, 10k inference %.3f s, zip %,d bytes; %s%n", name,
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, Files.size(zip), r);
        for (String runtime : new String[]{"onnxruntime", "tensorflow"}) {
            JsonNode x = r.get(runtime);
            assertEquals(10_000, x.get("images").asInt(), runtime);
            assertEquals(10_000, x.get("argmax_agree").asInt(), runtime + ": the same digit for every test image");
            assertTrue(x.get("max_abs_diff").asDouble() <= MAX_DIFF, runtime + ": max |Δp| " + x.get("max_abs_diff"));
        }
        assertEquals(OnnxExport.IR_VERSION, r.at("/onnxruntime/ir_version").asInt());
        assertEquals(OnnxExport.OPSET, r.at("/onnxruntime/opset").asInt());
        return r;
    }
}
