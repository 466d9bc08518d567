package dev.mnistfcn.engine;

import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.network.NetworkFactory;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warm-up before epoch 1 trains a copy: the network to be trained is left exactly as it was. */
class WarmupTest {

    private static MultiLayerNetwork twoLayer() {
        MultiLayerNetwork net = new MultiLayerNetwork(NetworkFactory.configuration(
                ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of())));
        net.init();
        return net;
    }

    @Test
    void theNetworkItselfIsUntouched() {
        MultiLayerNetwork net = twoLayer();
        INDArray before = net.params().dup();
        int batches = Warmup.run(Engine.FUSED, net, 50, 5, 1000, () -> true);
        assertEquals(5, batches, "the minimum, then no more once the real work may start");
        assertEquals(before, net.params());
        assertEquals(0, net.getIterationCount());
        assertNull(net.getUpdater(false), "no updater state made on it");
    }

    @Test
    void itGoesOnWhileTheDataIsNotReadyUpToItsMaximum() {
        MultiLayerNetwork net = twoLayer();
        assertEquals(12, Warmup.run(Engine.FUSED, net, 128, 2, 12, () -> false));
        AtomicInteger asked = new AtomicInteger();
        // asked from the third batch on; ready at the fifth question
        assertEquals(6, Warmup.run(Engine.FUSED, net, 512, 2, 12, () -> asked.incrementAndGet() >= 5));
    }

    @Test
    void smallBatchesWarmUpSmallConfigsAndLargeOnesAtTheirOwnSize() {
        assertEquals(25, Warmup.batchRows(50, Warmup.SMALL_BATCH), "two-layer: 25 rows");
        assertEquals(25, Warmup.batchRows(128, Warmup.SMALL_BATCH), "best-mlp, tuned");
        assertEquals(10, Warmup.batchRows(10, Warmup.SMALL_BATCH), "never more rows than the config's batch");
        assertEquals(50, Warmup.batchRows(50, 50), "-Dmnistfcn.warmup.batch=50: the config's own, as before");
        int large = dev.mnistfcn.engine.fused.FusedDenseNetwork.DENSE_INPUTS_FROM_BATCH;
        assertEquals(large, Warmup.batchRows(large, Warmup.SMALL_BATCH), "the dense-input path warmed as it runs");
        assertEquals(512, Warmup.batchRows(512, Warmup.SMALL_BATCH));
    }

    @Test
    void aShortRunIsWarmedOnNoMoreRowsThanItsFirstEpochTrains() {
        assertEquals(400, Warmup.minBatches(400, 55_000, 25), "the tutorial: 55,000 rows, 2,200 warm-up batches' worth");
        assertEquals(40, Warmup.minBatches(400, 1_000, 25), "data.train_limit: 1000, 40 warm-up batches of 25 rows");
        assertEquals(41, Warmup.minBatches(400, 1_001, 25), "a part batch counts");
        assertEquals(0, Warmup.minBatches(0, 1_000, 25), "-Dmnistfcn.warmup=0: none");
    }

    @Test
    void onlyTheFusedEngineHasKernelsToWarm() {
        MultiLayerNetwork net = twoLayer();
        assertEquals(0, Warmup.run(Engine.DL4J, net, 50, 5, 10, () -> true));
        assertEquals(0, Warmup.run(Engine.FUSED, net, 50, 0, 10, () -> true), "-Dmnistfcn.warmup=0: none");
    }

    @Test
    void madeUpRowsAreMnistLike() {
        DataSet d = Warmup.madeUp(784, 10);
        assertEquals(1024, d.numExamples());
        double nonZero = d.getFeatures().neq(0).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).meanNumber()
                .doubleValue();
        assertTrue(nonZero > 0.17 && nonZero < 0.21, "share of non-zero pixels " + nonZero);
        assertTrue(d.getFeatures().maxNumber().doubleValue() <= 1 && d.getFeatures().minNumber().doubleValue() >= 0);
        assertEquals(1024.0, d.getLabels().sumNumber().doubleValue(), 0, "one-hot labels");
    }
}
