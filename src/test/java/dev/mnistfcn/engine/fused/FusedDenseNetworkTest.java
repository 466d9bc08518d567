package dev.mnistfcn.engine.fused;

import dev.mnistfcn.FloatView;
import dev.mnistfcn.TestData;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.data.EpochBatches;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.network.NetworkFactory;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.GaussianDropout;
import org.deeplearning4j.nn.conf.weightnoise.DropConnect;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fused step must compute what DL4J's {@code fit} computes; checked against DL4J on real MNIST batches. */
class FusedDenseNetworkTest {
    private static final Path MNIST = TestData.mnistDir();

    /**
     * Loss and gradient against {@code computeGradientAndScore} on the same parameters, over several steps; then
     * the class probabilities against {@code output}.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "two-layer.yaml, ''",
            "one-layer.yaml, training.batch_size=64",
            "two-layer.yaml, model.hidden[0].activation=tanh;model.hidden[1].activation=sigmoid",
            "two-layer.yaml, model.hidden[1].activation=identity;model.hidden[0].l2=0.001",
            "two-layer.yaml, training.batch_size=256", // layer 1's weight gradient on the second core
    })
    void lossAndGradientMatchDl4j(String config, String overrides) {
        ExperimentConfig cfg = config(config, overrides);
        MnistSplits data = MnistSplits.load(cfg.data(), MNIST);
        MultiLayerNetwork net = NetworkFactory.build(cfg);
        assertEquals(Optional.empty(), FusedSupport.forTraining(net.getLayerWiseConfigurations()));
        var step = new FusedDenseNetwork(net);
        var order = new EpochBatches(data.train(), cfg.training().batchSize(), cfg.seed(), 1);
        for (int s = 0; s < 5; s++) {
            int[] rows = order.nextRows();
            DataSet batch = EpochBatches.rows(data.train(), rows);
            net.setInput(batch.getFeatures());
            net.setLabels(batch.getLabels());
            net.computeGradientAndScore();
            INDArray expected = net.gradient().gradient().dup().reshape(-1).divi(rows.length); // fit divides by n
            double expectedScore = net.score();

            double loss = step.lossAndGradient(data.train(), rows, net.getIterationCount()) + step.regularizationScore();
            assertEquals(expectedScore, loss, 1e-4 * expectedScore, "loss at step " + s); // DL4J sums ||W||² in float
            INDArray actual = Nd4j.createFromArray(step.gradient());
            double diff = expected.sub(actual).amaxNumber().doubleValue();
            double scale = expected.amaxNumber().doubleValue();
            assertTrue(diff <= 1e-5 * scale, "gradient at step " + s + ": max |difference| " + diff + " of " + scale);

            step.fit(data.train(), rows); // move on to new parameters (the first fit picks the sparse layer 0)
            step.writeBack(); // layer 0's weights back into the network, for DL4J's next computeGradientAndScore
        }
        assertTrue(step.sparseFirstLayer(), "MNIST trains layer 0 over its non-zero pixels");
        INDArray x = data.validation().getFeatures();
        INDArray expected = net.output(x, false);
        INDArray actual = new FusedDenseNetwork(net).output(x);
        assertEquals(x.rows(), actual.rows());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff < 1e-4, "probabilities for the validation images: max |difference| " + diff);
        assertEquals(expected.argMax(1), actual.argMax(1));
        INDArray rows = x.get(NDArrayIndex.interval(100, 150), NDArrayIndex.all()); // a view at an offset
        assertTrue(expected.get(NDArrayIndex.interval(100, 150), NDArrayIndex.all())
                .equalsWithEps(new FusedDenseNetwork(net).output(rows), 1e-4), "probabilities for rows 100-149");
    }

    /**
     * The sparse inference pass against DL4J's {@code output} on real test images: widths that are not whole
     * vectors or blocks, activations that leave no zeros, one row, a partial chunk, and several chunks on two
     * threads; and a dense input, which it must hand back to the GEMM path.
     */
    @ParameterizedTest(name = "{0}, {1} rows")
    @CsvSource({
            "'', 50",
            "'', 1000",
            "model.hidden[0].units=100;model.hidden[1].units=37, 1",
            "model.hidden[0].units=100;model.hidden[1].units=37, 130",
            "model.hidden[0].activation=sigmoid;model.hidden[1].activation=identity;model.hidden[1].units=13, 70",
    })
    void sparseForwardMatchesDl4jOutput(String overrides, int n) {
        assertTrue(FusedDenseNetwork.SPARSE_FORWARD, "this JVM lacks --add-modules jdk.incubator.vector");
        ExperimentConfig cfg = config("two-layer.yaml", overrides);
        MnistSplits data = MnistSplits.load(cfg.data(), MNIST);
        MultiLayerNetwork net = NetworkFactory.build(cfg);
        var fused = new FusedDenseNetwork(net);
        var order = new EpochBatches(data.train(), 50, 1, 1);
        for (int s = 0; s < 10; s++) fused.fit(data.train(), order.nextRows()); // non-zero biases
        fused.writeBack();
        INDArray x = data.test().getFeatures().get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
        INDArray expected = net.output(x, false);
        float[] probs = new float[n * 10];
        assertTrue(fused.sparseForward().forward(FloatView.of(x), n, probs), "MNIST is sparse enough");
        INDArray actual = Nd4j.create(probs, new long[]{n, 10}, 'c');
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff < 1e-4, "max |difference| " + diff);
        assertEquals(expected.argMax(1), Nd4j.createFromArray(fused.classify(x)).castTo(DataType.LONG));

        INDArray dense = Nd4j.rand(DataType.FLOAT, n, 784);
        assertTrue(!fused.sparseForward().forward(FloatView.of(dense), n, probs), "dense input: GEMM");
        INDArray mixed = Nd4j.vstack(x, dense); // where split over workers, the dense rows are all in the last one's range
        assertTrue(!fused.sparseForward().forward(FloatView.of(mixed), 2 * n, new float[2 * n * 10]),
                "dense rows after sparse ones: GEMM");
        assertTrue(net.output(mixed, false).equalsWithEps(fused.output(mixed), 1e-4), "mixed input through GEMM");
        assertTrue(net.output(dense, false).equalsWithEps(fused.output(dense), 1e-4), "dense input through GEMM");
    }

    /** Our Adam loop against DL4J's {@code AdamUpdater} (libnd4j's op) on the same gradients, 20 iterations. */
    @Test
    void adamMatchesDl4jsUpdater() {
        int n = 10_000;
        Adam config = new Adam(0.01, 0.8, 0.99, 1e-6);
        var dl4j = config.instantiate(Nd4j.zeros(DataType.FLOAT, 1, 2L * n), true);
        Random rnd = new Random(1);
        float[] p = new float[n], m = new float[n], v = new float[n], g = new float[n];
        for (int i = 0; i < n; i++) p[i] = (float) rnd.nextGaussian();
        INDArray reference = Nd4j.createFromArray(p).reshape(1, n);
        for (int it = 0; it < 20; it++) {
            for (int i = 0; i < n; i++) g[i] = (float) (rnd.nextGaussian() * Math.pow(10, -rnd.nextInt(4)));
            INDArray update = Nd4j.createFromArray(g).reshape(1, n);
            dl4j.applyUpdater(update, it, 0);
            reference.subi(update);
            UpdateRules.adam(config, it, 0, p, g, m, v);
        }
        double diff = reference.sub(Nd4j.createFromArray(p).reshape(1, n)).amaxNumber().doubleValue();
        assertTrue(diff < 1e-5, "max |difference| " + diff);
    }

    /**
     * The Adam loop stores moments that decay below {@link Float#MIN_NORMAL} as 0 and leaves c2 · g² terms below it out
     * of v (Intel CPUs compute subnormals through a microcode assist: 5× slower a step with a quarter of them), and
     * moves no weight differently from the loop without that: a quarter of the moments decay, a quarter of the weights
     * (about 1e-6) get only gradients of about 1e-18 to 1e-21. At the least ε where that holds ({@link
     * UpdateRules#flushMinEpsilon}, 1.15e-10) it flushes; below (1e-11: a review's weights moved; 1e-30: training
     * failed) it does not.
     */
    @Test
    void adamFlushesSubnormalMomentsWithoutMovingAnyWeight() {
        float least = UpdateRules.flushMinEpsilon(0.999f);
        assertTrue(least > 1.1e-10f && least < 1.2e-10f, "ε ≥ 2²⁵ · √(MIN_NORMAL / 0.001): " + least);
        for (double eps : new double[]{1e-8, least, 1e-11, 1e-30}) {
            int n = 4_099; // not a multiple of a vector: the last ones one by one
            Adam config = new Adam(0.01, 0.9, 0.999, eps);
            Random rnd = new Random(2);
            float[] p = new float[n], m = new float[n], v = new float[n], g = new float[n];
            for (int i = 0; i < n; i++) {
                p[i] = (float) (rnd.nextGaussian() * (i % 4 == 1 ? 1e-6 : 0.1));
                m[i] = i % 4 == 0 ? 1e-36f : 0f; // a quarter gets no more gradient, its moments already small
                v[i] = i % 4 == 0 ? 2e-38f : 0f;
            }
            float[] pOld = p.clone(), mOld = m.clone(), vOld = v.clone();
            for (int it = 0; it < 300; it++) {
                for (int i = 0; i < n; i++) {
                    double scale = i % 4 == 1 ? Math.pow(10, -18 - rnd.nextInt(4)) : Math.pow(10, -rnd.nextInt(22));
                    g[i] = i % 4 == 0 ? 0f : (float) (rnd.nextGaussian() * scale);
                }
                UpdateRules.adam(config, it, 0, p, g, m, v);
                float step = (float) (0.01 * Math.sqrt(1 - Math.pow(0.999f, it + 1)) / (1 - Math.pow(0.9f, it + 1)));
                UpdateRules.adamPlain(0.9f, 0.999f, (float) eps, step, pOld, g, mOld, vOld, 0, n); // the loop unflushed
            }
            assertArrayEquals(pOld, p, "ε " + eps + ": the weights, bit for bit");
            boolean flushes = eps >= least;
            assertEquals(flushes, UpdateRules.flushes(config));
            int subnormal = 0;
            for (int i = 0; i < n; i++) {
                if (Math.abs(mOld[i]) < Float.MIN_NORMAL && mOld[i] != 0) subnormal++;
                boolean kept = Math.abs(mOld[i]) >= Float.MIN_NORMAL || mOld[i] == 0 || !flushes;
                assertEquals(kept ? mOld[i] : 0f, m[i], "ε " + eps + ": m at " + i);
                if (flushes) { // v less what was kept out: a sum of terms under MIN_NORMAL, decaying by β₂
                    assertTrue(Math.abs(vOld[i] - v[i]) <= Float.MIN_NORMAL / 0.001f, "v at " + i);
                } else {
                    assertEquals(vOld[i], v[i], "ε " + eps + ": v at " + i);
                }
            }
            assertTrue(subnormal > n / 4, "the quarter decays below MIN_NORMAL unflushed: " + subnormal);
        }
    }

    /** Adam's guard: a c2 · g² under MIN_NORMAL is left out of v, where the plain loop adds it (an underflow). */
    @Test
    void adamLeavesUnderflowingSquaresOutOfV() {
        float c2 = 1 - 0.999f, tinyG = (float) Math.sqrt(Float.MIN_NORMAL / c2);
        int n = 35; // two vectors of 16 (AVX-512) and a tail
        float[] g = new float[n], v = new float[n], p = new float[n], m = new float[n];
        for (int i = 0; i < n; i++) {
            g[i] = i % 3 == 0 ? tinyG * 0.9f : i % 3 == 1 ? -tinyG * 1.01f : 1e-3f;
            v[i] = i % 3 == 2 ? 1e-6f : 0x1p-110f;
        }
        float[] vPlain = v.clone(), pPlain = p.clone(), mPlain = m.clone();
        AdamVector.step(0.9f, 0.999f, 1e-8f, 0.01f, p, g, m, v, 0, n);
        UpdateRules.adamPlain(0.9f, 0.999f, 1e-8f, 0.01f, pPlain, g, mPlain, vPlain, 0, n);
        for (int i = 0; i < n; i++) {
            if (i % 3 == 0) {
                assertEquals(0.999f * 0x1p-110f, v[i], "c2 · g² under MIN_NORMAL: left out, at " + i);
                assertTrue(vPlain[i] != v[i], "the plain loop adds it, at " + i);
            } else {
                assertEquals(vPlain[i], v[i], "c2 · g² from MIN_NORMAL up: added, at " + i);
            }
        }
        assertArrayEquals(pPlain, p);
    }

    /**
     * A thread's share of Adam's update ends in a part of a vector, done on padded copies: every length from 1 to 40
     * at an offset, on values that flush, are left out of v or are special (±0, subnormal, ±MIN_NORMAL, ±Inf, NaN,
     * the guard's threshold), against the scalar loop that did that part before (its formula, below): the same
     * floats (NaN as NaN), and not a value outside the range touched.
     */
    @Test
    void adamUpdatesItsRangeAsTheScalarLoopDidAndNothingElse() {
        float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, step = 0.01f;
        float tinyG = UpdateRules.smallestSquaredGradient(beta2);
        float[] special = {0f, -0f, Float.MIN_VALUE, -1e-40f, Float.MIN_NORMAL, -Float.MIN_NORMAL, tinyG, -tinyG * 0.9f,
                1e-30f, 1e-3f, -0.5f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        SplittableRandom rng = new SplittableRandom(7);
        for (int len = 1; len <= 40; len++) {
            int from = 3, to = from + len, n = to + 20;
            float[] p = new float[n], g = new float[n], m = new float[n], v = new float[n];
            for (int i = 0; i < n; i++) {
                p[i] = pick(rng, special);
                g[i] = pick(rng, special);
                m[i] = pick(rng, special);
                v[i] = Math.abs(pick(rng, special));
            }
            float[] pOld = p.clone(), mOld = m.clone(), vOld = v.clone();
            AdamVector.step(beta1, beta2, eps, step, p, g, m, v, from, to);
            for (int i = 0; i < n; i++) {
                if (i >= from && i < to) { // the old scalar tail
                    float gi = g[i];
                    float mi = beta1 * mOld[i] + gi * (1 - beta1);
                    float gv = Math.abs(gi) < tinyG ? 0f : gi;
                    float vi = beta2 * vOld[i] + gv * gv * (1 - beta2);
                    mOld[i] = mi = Math.abs(mi) < Float.MIN_NORMAL ? 0f : mi;
                    vOld[i] = vi = vi < Float.MIN_NORMAL ? 0f : vi;
                    pOld[i] -= mi * step / ((float) Math.sqrt(vi) + eps);
                }
                assertEquals(pOld[i], p[i], "p at " + i + ", length " + len); // assertEquals(float, float): NaN == NaN
                assertEquals(mOld[i], m[i], "m at " + i + ", length " + len);
                assertEquals(vOld[i], v[i], "v at " + i + ", length " + len);
            }
        }
    }

    private static float pick(SplittableRandom rng, float[] special) {
        return rng.nextInt(3) == 0 ? special[rng.nextInt(special.length)] : (float) (rng.nextGaussian() * 1e-3);
    }

    /**
     * Tiny δ are dropped only where Adam flushes its moments (the default ε; not at 1e-11, not with SGD) and not with
     * {@code -Dmnistfcn.tinydeltas=false}.
     */
    @Test
    void tinyDeltasAreDroppedOnlyWhereAdamFlushes() {
        MnistSplits data = MnistSplits.load(config("two-layer.yaml", "").data(), MNIST);
        int[] rows = new EpochBatches(data.train(), 50, 1, 1).nextRows();
        Map<String, Boolean> cases = Map.of("", true, "training.updater.epsilon=1e-11", false,
                "training.updater.type=sgd", false);
        cases.forEach((overrides, drops) -> {
            var step = new FusedDenseNetwork(build(overrides));
            step.fit(data.train(), rows);
            assertEquals(drops, step.dropsTinyDeltas(), "'" + overrides + "'");
        });
        System.setProperty("mnistfcn.tinydeltas", "false");
        try {
            var off = new FusedDenseNetwork(build(""));
            off.fit(data.train(), rows);
            assertFalse(off.dropsTinyDeltas(), "-Dmnistfcn.tinydeltas=false");
        } finally {
            System.clearProperty("mnistfcn.tinydeltas");
        }
    }

    /**
     * {@link TinyDeltas}: two-layer trained far past its 500 training digits, until the δ of digits it knows fall under
     * {@link TinyDeltas#FLOOR}, with the drop and without. Not bit for bit in general (a fused multiply-add can round a
     * tie the other way without a dropped δ), so within float noise: the loss of every step and the weights.
     */
    @Test
    void tinyDeltasDroppedChangeTrainingOnlyInItsLastBits() {
        ExperimentConfig cfg = config("two-layer.yaml", "data.train_limit=500");
        MnistSplits data = MnistSplits.load(cfg.data(), MNIST);
        MultiLayerNetwork dropping = NetworkFactory.build(cfg), keeping = NetworkFactory.build(cfg);
        var drops = new FusedDenseNetwork(dropping);
        var keeps = new FusedDenseNetwork(keeping);
        keeps.keepTinyDeltas();
        for (int epoch = 1; epoch <= 150; epoch++) {
            var order = new EpochBatches(data.train(), 50, cfg.seed(), epoch);
            while (order.hasNext()) {
                int[] rows = order.nextRows();
                double kept = keeps.fit(data.train(), rows), dropped = drops.fit(data.train(), rows);
                assertEquals(kept, dropped, 1e-5 * kept, "the loss at epoch " + epoch);
            }
        }
        drops.writeBack();
        keeps.writeBack();
        assertTrue(drops.droppedDeltas() > 10, "δ dropped: " + drops.droppedDeltas()); // 477 here
        assertEquals(0, keeps.droppedDeltas());
        double relative = dropping.params().sub(keeping.params()).norm2Number().doubleValue()
                / keeping.params().norm2Number().doubleValue();
        assertTrue(relative < 1e-5, "relative parameter difference " + relative);
    }

    /**
     * 30 steps of {@code fit} and 30 fused steps from the same start. Adam divides by √v, so float rounding in
     * near-zero gradients can move single weights by up to a step size; the loss curve and the bulk of the
     * parameters must agree.
     */
    @ParameterizedTest(name = "{0} {1}, sparse layer 0: {2}")
    @CsvSource({
            "two-layer.yaml, '', true",
            "two-layer.yaml, '', false",
            "one-layer.yaml, training.updater.type=sgd;training.updater.learning_rate=0.01;training.batch_size=64, true",
            "one-layer.yaml, training.batch_size=512, true",
    })
    void trainingFollowsFit(String config, String overrides, boolean sparse) {
        ExperimentConfig cfg = config(config, overrides);
        MnistSplits data = MnistSplits.load(cfg.data(), MNIST);
        MultiLayerNetwork reference = NetworkFactory.build(cfg);
        MultiLayerNetwork fused = NetworkFactory.build(cfg);
        var step = new FusedDenseNetwork(fused);
        if (!sparse) step.trainDense();
        int batch = cfg.training().batchSize();
        int steps = Math.min(30, data.train().numExamples() / batch); // one epoch of the test's training images at most
        stepBoth(reference, step, new EpochBatches(data.train(), batch, cfg.seed(), 1), data, steps, 1e-3);
        assertEquals(sparse, step.sparseFirstLayer());
        assertEquals(sparse && batch >= SparseFirstLayer.Listing.DENSE_BATCH, step.denseInputs() > 0);
        INDArray diff = reference.params().sub(fused.params());
        double relative = diff.norm2Number().doubleValue() / reference.params().norm2Number().doubleValue();
        assertTrue(relative < 1e-4, "relative parameter difference " + relative);
        assertEquals(reference.getIterationCount(), fused.getIterationCount());
        INDArray state = reference.getUpdater().getStateViewArray();
        if (state != null) {
            double stateDiff = state.sub(fused.getUpdater().getStateViewArray()).norm2Number().doubleValue();
            assertTrue(stateDiff < 1e-4 * state.norm2Number().doubleValue(), "updater state difference " + stateDiff);
        }
        assertEquals(reference.score(), fused.score(), 1e-3 * reference.score());
    }

    /** SGD with L2 on weights and biases, which no YAML key sets but a foreign DL4J zip can hold. */
    @Test
    void sgdWithBiasL2FollowsFit() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                .updater(new Sgd(0.05)).l2(1e-3).l2Bias(1e-2).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(40).activation(org.nd4j.linalg.activations.Activation.TANH)
                        .biasInit(0.1).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(40).nOut(10)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                .build();
        assertEquals(Optional.empty(), FusedSupport.forTraining(conf));
        MnistSplits data = MnistSplits.load(config("one-layer.yaml", "").data(), MNIST);
        MultiLayerNetwork reference = new MultiLayerNetwork(conf.clone());
        reference.init();
        MultiLayerNetwork fused = new MultiLayerNetwork(conf.clone());
        fused.init();
        stepBoth(reference, new FusedDenseNetwork(fused), new EpochBatches(data.train(), 32, 7, 1), data, 20, 1e-4);
        double relative = reference.params().sub(fused.params()).norm2Number().doubleValue()
                / reference.params().norm2Number().doubleValue();
        assertTrue(relative < 1e-5, "relative parameter difference " + relative);
    }

    /**
     * Dropout plays no part at inference ({@code output(x, false)}): the fused pass must give DL4J's numbers. DL4J's
     * {@code Dropout} at a fixed retain probability trains fused ({@code FusedDropoutTest}); other kinds are named.
     */
    @Test
    void dropoutNetworksPredictLikeDl4jAndTrainFused() {
        MultiLayerNetwork net = build("model.hidden[0].dropout=0.5;model.input_dropout=0.2");
        assertEquals(Optional.empty(), FusedSupport.forInference(net.getLayerWiseConfigurations()));
        assertEquals(Optional.empty(), FusedSupport.forTraining(net.getLayerWiseConfigurations()));
        INDArray x = MnistSplits.loadTest(MNIST).getFeatures().get(NDArrayIndex.interval(0, 500), NDArrayIndex.all());
        assertTrue(net.output(x, false).equalsWithEps(new FusedDenseNetwork(net).output(x), 1e-4));

        MultiLayerConfiguration gaussian = plain(new DenseLayer.Builder().nIn(784).nOut(30)
                        .dropOut(new GaussianDropout(0.3)).build(),
                new OutputLayer.Builder().nIn(30).nOut(10).activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build());
        assertEquals(Optional.empty(), FusedSupport.forInference(gaussian));
        assertTrue(FusedSupport.forTraining(gaussian).orElseThrow().startsWith("layer 0 (DenseLayer) uses dropout "
                + "GaussianDropout"), FusedSupport.forTraining(gaussian).orElseThrow());
        MultiLayerConfiguration scheduledP = plain(new DenseLayer.Builder().nIn(784).nOut(30)
                        .dropOut(new Dropout(new ExponentialSchedule(ScheduleType.EPOCH, 0.9, 0.99))).build(),
                new OutputLayer.Builder().nIn(30).nOut(10).activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build());
        assertTrue(FusedSupport.forTraining(scheduledP).orElseThrow().contains("fixed retain probability"));
    }

    /**
     * The whitelist: each setting the fused engine does not compute is refused, by name, including ones it was
     * never told about (layer normalisation, a bias-less output layer).
     */
    @Test
    void networksItCannotRunAreNamed() {
        assertTrue(trainingGap(build("model.hidden[0].activation=elu")).contains("elu"));
        assertTrue(trainingGap(build("training.updater.type=nesterovs")).contains("Nesterovs"));
        assertTrue(trainingGap(build("training.updater.type=rmsprop")).contains("RmsProp"));
        MultiLayerConfiguration layerNorm = plain(new DenseLayer.Builder().nIn(784).nOut(30).hasLayerNorm(true).build(),
                new OutputLayer.Builder().nIn(30).nOut(10).activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build());
        assertEquals("layer 0 (DenseLayer) sets hasLayerNorm = true (the fused engine computes only false)",
                FusedSupport.forInference(layerNorm).orElseThrow());
        MultiLayerConfiguration noBias = plain(new DenseLayer.Builder().nIn(784).nOut(30).build(),
                new OutputLayer.Builder().nIn(30).nOut(10).hasBias(false)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build());
        assertEquals("layer 1 (OutputLayer) sets hasBias = false (the fused engine computes only true)",
                FusedSupport.forInference(noBias).orElseThrow());
        MultiLayerConfiguration clipped = plain(new DenseLayer.Builder().nIn(784).nOut(30).build(),
                new OutputLayer.Builder(new LossMCXENT(1e-5, null)).nIn(30).nOut(10)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build());
        assertEquals(Optional.empty(), FusedSupport.forInference(clipped), "the loss plays no part in inference");
        assertTrue(FusedSupport.forTraining(clipped).orElseThrow().contains("MCXENT"));
        MultiLayerConfiguration noise = plain(new DenseLayer.Builder().nIn(784).nOut(30)
                        .weightNoise(new DropConnect(0.5)).build(),
                new OutputLayer.Builder().nIn(30).nOut(10).activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build());
        assertTrue(FusedSupport.forInference(noise).orElseThrow().startsWith("layer 0 (DenseLayer) sets weightNoise"));
        MultiLayerConfiguration scheduled = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .updater(new Adam(new ExponentialSchedule(ScheduleType.EPOCH, 0.01, 0.9))).list()
                .layer(new OutputLayer.Builder().nIn(784).nOut(10).activation(org.nd4j.linalg.activations.Activation.SOFTMAX)
                        .build()).build();
        assertEquals(Optional.empty(), FusedSupport.forTraining(scheduled), "the rate comes from the updater's schedule");
        MultiLayerConfiguration scheduledL2 = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .updater(new Adam(0.01)).regularization(List.of(new L2Regularization(
                        new ExponentialSchedule(ScheduleType.EPOCH, 0.01, 0.9)))).list()
                .layer(new OutputLayer.Builder().nIn(784).nOut(10).activation(org.nd4j.linalg.activations.Activation.SOFTMAX)
                        .build()).build();
        assertTrue(FusedSupport.forTraining(scheduledL2).orElseThrow().startsWith("layer 0 (OutputLayer) uses "
                + "L2Regularization"), FusedSupport.forTraining(scheduledL2).orElseThrow());
        MultiLayerConfiguration notDense = plain(new DenseLayer.Builder().nIn(784).nOut(30).build(),
                new LossLayer.Builder().activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build());
        assertTrue(FusedSupport.forInference(notDense).orElseThrow().contains("is not a OutputLayer"));
    }

    /** {@code steps} batches through DL4J's {@code fit} and the fused step alike; their losses agree within {@code tolerance}. */
    private static void stepBoth(MultiLayerNetwork reference, FusedDenseNetwork step, EpochBatches order, MnistSplits data,
                                 int steps, double tolerance) {
        for (int s = 0; s < steps; s++) {
            int[] rows = order.nextRows();
            reference.fit(EpochBatches.rows(data.train(), rows));
            double loss = step.fit(data.train(), rows);
            assertEquals(reference.score(), loss, tolerance * reference.score(), "loss at step " + s);
        }
        step.writeBack(); // the network whole again: layer 0's weights and the Adam moments
    }

    private static String trainingGap(MultiLayerNetwork net) {
        return FusedSupport.forTraining(net.getLayerWiseConfigurations()).orElseThrow();
    }

    private static MultiLayerConfiguration plain(Layer... layers) {
        var list = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).updater(new Adam(0.01)).list();
        for (Layer l : layers) list.layer(l);
        return list.build();
    }

    private static MultiLayerNetwork build(String overrides) {
        return NetworkFactory.build(config("two-layer.yaml", overrides));
    }

    private static ExperimentConfig config(String file, String overrides) {
        Map<String, String> o = new HashMap<>(Map.of("data.train_limit", "3000", "data.dir", MNIST.toString()));
        for (String kv : overrides.split(";")) {
            if (!kv.isBlank()) o.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        return ConfigLoader.load(Path.of("config", file), o);
    }
}
