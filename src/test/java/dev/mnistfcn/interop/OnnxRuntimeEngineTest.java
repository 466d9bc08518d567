package dev.mnistfcn.interop;

import dev.mnistfcn.TestData;
import dev.mnistfcn.TestModels;
import dev.mnistfcn.cli.Main;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.predict.DigitClassifier;
import dev.mnistfcn.predict.Prediction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** predict/serve's {@code --engine onnxruntime}: ONNX Runtime's Java package gives DL4J's answers, from many threads. */
@Tag("slow") // trains the two-layer test model (TestModels) (docs/tests.md#test-tiers)
class OnnxRuntimeEngineTest {
    @Test
    void onnxRuntimeAnswersAsDl4jDoesFromManyThreadsAtOnce() throws Exception {
        DigitClassifier dl4j = DigitClassifier.load(TestModels.twoLayer(), "dl4j");
        DigitClassifier ort = DigitClassifier.load(TestModels.twoLayer(), OnnxRuntimePredictor.ID, null);
        assertEquals("onnxruntime", ort.info().engine());
        DataSet test = MnistSplits.loadTest(TestData.mnistDir());
        int n = 400;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Prediction>> answers = IntStream.range(0, n)
                    .mapToObj(i -> pool.submit(() -> ort.classify(test.getFeatures().getRow(i).toFloatVector()))).toList();
            for (int i = 0; i < n; i++) {
                Prediction expected = dl4j.classify(test.getFeatures().getRow(i).toFloatVector());
                Prediction got = answers.get(i).get();
                assertEquals(expected.digit(), got.digit(), "test image " + i);
                assertArrayEquals(expected.probabilities(), got.probabilities(), 1e-5f, "test image " + i);
            }
        } finally {
            pool.shutdown();
        }
    }

    /** ONNX Runtime's unpacked libraries' folder is removed at exit (it stayed, empty, after every process: a review). */
    @Test
    void itsTemporaryFolderIsGoneOnceTheProcessEnds(@TempDir Path tmp) throws Exception {
        Process p = predictWithTemporaryFolder(tmp);
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, printed);
        assertTrue(printed.contains("canvas-export.png"), printed);
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.filter(f -> f.getFileName().toString().startsWith("onnxruntime-java")).toList());
        }
    }

    /**
     * A temporary folder its library cannot be unpacked into (missing here; full or noexec by hand) is one paragraph
     * that names it and the way out: ONNX Runtime's logged stack trace and then Java's had named neither (a review).
     */
    @Test
    void aTemporaryFolderItCannotUnpackIntoIsOneParagraph(@TempDir Path tmp) throws Exception {
        Process p = predictWithTemporaryFolder(tmp.resolve("missing"));
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules")).collect(Collectors.joining("\n"));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), printed);
        assertEquals(2, p.exitValue(), printed);
        assertTrue(printed.startsWith("error: ONNX Runtime's native library could not be loaded (no such folder: "
                + tmp.resolve("missing")) && printed.contains("-Djava.io.tmpdir=DIR, or use --engine auto."), printed);
        assertEquals(1, printed.strip().lines().count(), printed);
    }

    private static Process predictWithTemporaryFolder(Path tmp) throws java.io.IOException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "predict", "--engine", "onnxruntime",
                "--model", TestModels.twoLayer().toString(), "docs/samples/canvas-export.png");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("MNIST_FCN_NO_RELAUNCH", "1"); // this JVM, so that its java.io.tmpdir is the one looked at
        return pb.start();
    }
}
