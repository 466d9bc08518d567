package dev.mnistfcn.interop;

import dev.mnistfcn.TestData;
import dev.mnistfcn.TestModels;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.predict.DigitClassifier;
import dev.mnistfcn.predict.Prediction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
