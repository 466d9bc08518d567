package dev.mnistfcn.engine.fused;

import dev.mnistfcn.TestData;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.data.EpochBatches;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.network.NetworkFactory;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused engine's dropout against DL4J's.
 *
 * <p>Two checks, because the masks cannot come from one generator in a real run: DL4J's {@code fit} draws them from
 * ND4J's global generator inside libnd4j, the fused engine from {@code (seed, iteration)} ({@link DropoutMasks}).
 * (1) The arithmetic, exactly: DL4J trains with an {@code IDropout} that applies the very masks the fused step drew
 * for the same batch ({@link SharedMask}), so both compute the same forward pass, gradients (through the mask and
 * the activation's derivative) and updates, and must agree within float rounding as {@code FusedDenseNetworkTest}'s
 * runs without dropout do. (2) The masks themselves, statistically: what DL4J's own {@code Dropout(p)} produces and
 * what {@link DropoutMasks} produces for the same p keep the same share of values (p, within 4σ) scaled by the same
 * 1/p; and the fused masks are reproducible from (seed, iteration) and differ between iterations and layers.
 */
class FusedDropoutTest {
    private static final Path MNIST = TestData.mnistDir();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "model.input_dropout=0.2;model.hidden[0].dropout=0.5;model.hidden[1].dropout=0.3",
            "model.hidden[0].dropout=0.4;model.hidden[0].activation=tanh;model.hidden[1].activation=sigmoid",
            "model.input_dropout=0.1;training.updater.type=sgd;training.updater.learning_rate=0.05;training.updater.weight_decay=0.1",
    })
    void withTheSameMasksFusedTrainingFollowsFit(String overrides) {
        ExperimentConfig cfg = config(overrides);
        MnistSplits data = MnistSplits.load(cfg.data(), MNIST);
        MultiLayerNetwork fused = NetworkFactory.build(cfg);
        assertEquals(Optional.empty(), FusedSupport.forTraining(fused.getLayerWiseConfigurations()));
        var step = new FusedDenseNetwork(fused);

        MultiLayerConfiguration conf = NetworkFactory.configuration(cfg);
        int dropped = 0;
        for (int i = 0; i < conf.getConfs().size(); i++) {
            BaseLayer layer = (BaseLayer) conf.getConf(i).getLayer();
            if (layer.getIDropout() instanceof Dropout d) {
                layer.setIDropout(new SharedMask(step, i, d.getP()));
                dropped++;
            }
        }
        assertTrue(dropped > 0);
        MultiLayerNetwork reference = new MultiLayerNetwork(conf);
        reference.init();
        reference.setParams(fused.params().dup());

        var order = new EpochBatches(data.train(), cfg.training().batchSize(), cfg.seed(), 1);
        for (int s = 0; s < 30; s++) {
            int[] rows = order.nextRows();
            double loss = step.fit(data.train(), rows); // draws the masks SharedMask hands to DL4J
            reference.fit(EpochBatches.rows(data.train(), rows));
            assertEquals(reference.score(), loss, 1e-3 * reference.score(), "loss at step " + s);
        }
        step.writeBack();
        double relative = reference.params().sub(fused.params()).norm2Number().doubleValue()
                / reference.params().norm2Number().doubleValue();
        assertTrue(relative < 1e-4, "relative parameter difference " + relative);
        INDArray state = reference.getUpdater().getStateViewArray();
        if (state != null) {
            double stateDiff = state.sub(fused.getUpdater().getStateViewArray()).norm2Number().doubleValue();
            assertTrue(stateDiff < 1e-4 * state.norm2Number().doubleValue(), "updater state difference " + stateDiff);
        }
    }

    /**
     * Inference applies no dropout, as DL4J's {@code output(x, false)}: after training steps have drawn masks, the
     * fused output equals DL4J's on dense inputs (the GEMM path: a dropout net's mask once leaked into it, found on
     * Fashion-MNIST) and on MNIST's sparse ones, batch sizes other than the training batch's included.
     */
    @Test
    void inferenceAppliesNoDropout() {
        ExperimentConfig cfg = config("model.input_dropout=0.2;model.hidden[0].dropout=0.5;model.hidden[1].dropout=0.3");
        MnistSplits data = MnistSplits.load(cfg.data(), MNIST);
        MultiLayerNetwork net = NetworkFactory.build(cfg);
        var fused = new FusedDenseNetwork(net);
        var order = new EpochBatches(data.train(), cfg.training().batchSize(), cfg.seed(), 1);
        for (int s = 0; s < 5; s++) fused.fit(data.train(), order.nextRows());
        Nd4j.getRandom().setSeed(7);
        for (INDArray x : new INDArray[]{Nd4j.rand(DataType.FLOAT, 130, 784), Nd4j.rand(DataType.FLOAT, 50, 784),
                data.test().getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 300))}) {
            // no writeBack: the dense path itself brings the network's layer 0 up to date (sparse training keeps
            // it on the heap), and DL4J then reads the same weights
            INDArray got = fused.output(x);
            INDArray expected = net.output(x, false);
            assertTrue(expected.sub(got).amaxNumber().doubleValue() < 1e-4,
                    "fused vs DL4J output, " + x.rows() + " rows: " + expected.sub(got).amaxNumber());
            assertEquals(got, fused.output(x), "the same answer every time");
        }
    }

    @Test
    void masksKeepWhatDl4jsDropoutKeepsScaledAlike() {
        int n = 500;
        int[] width = {784, 300, 100};
        for (double p : new double[]{0.9, 0.7, 0.5}) {
            var masks = new DropoutMasks(12345, new double[]{p, p, 1});
            masks.draw(7, n, width);
            assertFalse(masks.drops(2));
            float[] ours = Arrays.copyOf(masks.mask(0), n * width[0]);
            INDArray ones = Nd4j.ones(DataType.FLOAT, n, width[0]);
            INDArray dl4j = new Dropout(p).applyDropout(ones, ones.dup(), 0, 0, LayerWorkspaceMgr.noWorkspaces());
            float[] theirs = dl4j.reshape(-1).toFloatVector();
            for (float[] m : new float[][]{ours, theirs}) {
                int kept = 0;
                for (float v : m) {
                    if (v != 0) {
                        kept++;
                        assertEquals(1 / p, v, 1e-6, "a kept value is scaled by 1/p");
                    }
                }
                double sigma = Math.sqrt(p * (1 - p) / m.length);
                assertEquals(p, (double) kept / m.length, 4 * sigma, "share kept for retain probability " + p);
            }

            masks.draw(7, n, width);
            assertArrayEquals(ours, Arrays.copyOf(masks.mask(0), ours.length), "the same (seed, iteration), the same mask");
            float[] layer1 = Arrays.copyOf(masks.mask(1), n * width[1]);
            assertFalse(Arrays.equals(Arrays.copyOf(ours, layer1.length), layer1), "layers draw different masks");
            masks.draw(8, n, width);
            assertFalse(Arrays.equals(ours, Arrays.copyOf(masks.mask(0), ours.length)), "the next iteration, another mask");
            var otherSeed = new DropoutMasks(54321, new double[]{p, p, 1});
            otherSeed.draw(7, n, width);
            assertFalse(Arrays.equals(ours, Arrays.copyOf(otherSeed.mask(0), ours.length)), "another seed, another mask");
        }
    }

    /**
     * DL4J's inverted dropout (multiply by mask, and by the same mask on the way back, as {@code Dropout} does),
     * with the mask the fused step drew for this layer and batch. Test-only: DL4J calls it where it would call
     * {@code Dropout}.
     */
    private static final class SharedMask implements IDropout {
        private final FusedDenseNetwork source;
        private final int layer;
        private final double p;
        private INDArray mask;

        SharedMask(FusedDenseNetwork source, int layer, double p) {
            this.source = source;
            this.layer = layer;
            this.p = p;
        }

        @Override
        public INDArray applyDropout(INDArray input, INDArray result, int iteration, int epoch, LayerWorkspaceMgr mgr) {
            long n = input.size(0);
            long k = input.size(1);
            float[] m = Arrays.copyOf(source.dropoutMask(layer), (int) (n * k));
            for (float v : m) assertTrue(v == 0 || Math.abs(v - 1 / p) < 1e-6, "the fused mask uses this layer's p");
            try (var outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) { // lives until backprop
                mask = Nd4j.create(m, new long[]{n, k}, 'c');
            }
            return result.assign(input.mul(mask));
        }

        @Override
        public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
            return gradAtInput.assign(gradAtOutput.mul(mask));
        }

        @Override
        public void clear() {
            // the mask is replaced at the next applyDropout
        }

        @Override
        public IDropout clone() {
            return this; // shares the fused step it reads from
        }
    }

    private static ExperimentConfig config(String overrides) {
        Map<String, String> o = new HashMap<>(Map.of("data.train_limit", "3000", "data.dir", MNIST.toString()));
        for (String kv : overrides.split(";")) o.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        return ConfigLoader.load(Path.of("config/two-layer.yaml"), o);
    }
}
