package dev.mnistfcn.engine;

import dev.mnistfcn.TestData;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.network.NetworkFactory;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many threads on one predictor get, call for call, exactly what one thread alone gets: sparse inputs (MNIST test
 * digits, the fused engine's sparse pass) and dense ones (random pixels, its GEMM path), in batch sizes that mix
 * one row, odd sizes, and sizes over the fused engine's 100-row switch to multi-threaded OpenBLAS. Dense inputs
 * may differ by float rounding ({@link #ROUNDING}); everything else must be bit for bit the same.
 */
class ConcurrentPredictorTest {
    private static final int THREADS = 8;
    private static final int ROUNDS = 6;
    private static final int[] BATCH_SIZES = {1, 7, 50, 130};
    /**
     * Dense inputs go through OpenBLAS, whose thread count is one global setting that a concurrent caller finds
     * rather than sets (BlasThreads in engine.fused): one or two threads sum in a different order, which
     * moves the last bits (6e-8 seen here). A race on shared arrays gives other rows' or half-written numbers.
     */
    private static final float ROUNDING = 1e-6f;

    @ParameterizedTest
    @EnumSource(Engine.class)
    void manyThreadsOnOnePredictorGetTheSingleThreadedAnswers(Engine engine) throws Exception {
        Path mnist = TestData.mnistDir();
        MultiLayerNetwork net = NetworkFactory.build(ConfigLoader.load(Path.of("config/two-layer.yaml"),
                Map.of("data.dir", mnist.toString())));
        Predictor predictor = engine.predictor(net);
        INDArray digits = MnistSplits.loadTest(mnist).getFeatures();
        Nd4j.getRandom().setSeed(13);
        List<INDArray> inputs = new ArrayList<>();
        int from = 0;
        for (int n : BATCH_SIZES) {
            inputs.add(digits.get(NDArrayIndex.interval(from, from + n), NDArrayIndex.all()).dup());
            inputs.add(Nd4j.rand(DataType.FLOAT, n, 784));
            from += n;
        }
        List<float[]> expected = new ArrayList<>();
        List<int[]> expectedClasses = new ArrayList<>();
        for (INDArray x : inputs) {
            expected.add(predictor.probabilities(x));
            expectedClasses.add(predictor.classify(x));
        }

        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Random random = new Random(t);
                calls.add(pool.submit(() -> {
                    start.await();
                    int done = 0;
                    List<Integer> order = new ArrayList<>();
                    for (int i = 0; i < inputs.size(); i++) order.add(i);
                    for (int r = 0; r < ROUNDS; r++) {
                        Collections.shuffle(order, random); // each thread its own mix of sizes and kinds
                        for (int i : order) {
                            INDArray x = inputs.get(i);
                            boolean dense = i % 2 == 1;
                            String what = (dense ? "dense" : "digits") + " batch of " + x.rows();
                            float[] got = predictor.probabilities(x);
                            float d = maxDifference(expected.get(i), got);
                            if (dense ? d > ROUNDING : d != 0) wrong.add("probabilities, " + what + ", by " + d);
                            int[] classes = predictor.classify(x);
                            for (int row = 0; row < classes.length; row++) {
                                if (classes[row] != expectedClasses.get(i)[row] && !(dense && nearTie(expected.get(i), row))) {
                                    wrong.add("class of row " + row + ", " + what);
                                }
                            }
                            done += 2;
                        }
                    }
                    return done;
                }));
            }
            int total = 0;
            for (Future<Integer> f : calls) total += f.get(); // rethrows any exception a thread met
            assertEquals(THREADS * ROUNDS * inputs.size() * 2, total);
        } finally {
            pool.shutdownNow();
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " calls differ from the single-threaded answer, e.g. "
                + wrong.stream().limit(5).toList());
    }


    private static float maxDifference(float[] a, float[] b) {
        if (a.length != b.length) return Float.POSITIVE_INFINITY;
        float d = 0;
        for (int k = 0; k < a.length; k++) d = Math.max(d, Math.abs(a[k] - b[k]));
        return d;
    }

    /** Whether row r's two most probable classes are within rounding of each other (either may come first). */
    private static boolean nearTie(float[] p, int r) {
        float[] row = Arrays.copyOfRange(p, r * 10, r * 10 + 10);
        Arrays.sort(row);
        return row[9] - row[8] <= 2 * ROUNDING;
    }
}
