package dev.mnistfcn.engine.fused;

import dev.mnistfcn.TestData;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.engine.Engine;
import dev.mnistfcn.engine.ForwardingStep;
import dev.mnistfcn.engine.TrainingStep;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.network.NetworkFactory;
import dev.mnistfcn.train.Trainer;
import dev.mnistfcn.train.EpochPlan;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both engines train through the real loop on distorted epochs and end where the other does; the fused engine keeps
 * its sparse first layer on the distorted digits (listing each epoch's new images).
 */
class FusedAugmentTest {
    @Test
    void dl4jAndTheFusedEngineAgreeOnAugmentedTraining() {
        Path mnist = TestData.mnistDir();
        ExperimentConfig cfg = ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of("data.train_limit", "1500",
                "data.dir", mnist.toString(), "data.augment.rotation", "10", "data.augment.scale", "[0.9, 1.1]",
                "data.augment.translation", "2", "data.augment.elastic", "{alpha: 34, sigma: 4}"));
        MnistSplits data = MnistSplits.load(cfg.data(), mnist);
        var plan = new EpochPlan(data.train(), data.validation(), cfg.training().batchSize(), cfg.seed(), 3, List.of(),
                cfg.data().augment());
        MultiLayerNetwork reference = NetworkFactory.build(cfg);
        MultiLayerNetwork fusedNet = NetworkFactory.build(cfg);
        FusedDenseNetwork fused = new FusedDenseNetwork(fusedNet);
        List<EpochStats> dl4j = new Trainer(List.of()).train(Engine.DL4J.trainingStep(reference), plan);
        List<EpochStats> ours = new Trainer(List.of()).train(Engine.fusedStep(fused, fusedNet), plan);

        assertTrue(fused.sparseFirstLayer(), "distorted digits are still sparse: layer 0 runs over their non-zero pixels");
        double relative = reference.params().sub(fusedNet.params()).norm2Number().doubleValue()
                / reference.params().norm2Number().doubleValue();
        assertTrue(relative < 1e-3, "relative parameter difference after 3 distorted epochs: " + relative);
        assertEquals(reference.getIterationCount(), fusedNet.getIterationCount());
        for (int e = 0; e < 3; e++) {
            assertEquals(dl4j.get(e).trainLoss(), ours.get(e).trainLoss(), 1e-3 * dl4j.get(e).trainLoss(), "epoch " + (e + 1));
            assertEquals(dl4j.get(e).validationAccuracy(), ours.get(e).validationAccuracy(), 0.002, "epoch " + (e + 1));
        }
        // The distortions make a harder training set: the first epoch's training loss is above the plain run's.
        MultiLayerNetwork plainNet = NetworkFactory.build(cfg);
        var plainPlan = new EpochPlan(data.train(), data.validation(), cfg.training().batchSize(), cfg.seed(), 1, List.of());
        double plain = new Trainer(List.of()).train(Engine.FUSED.trainingStep(plainNet), plainPlan).get(0).trainLoss();
        assertTrue(ours.get(0).trainLoss() > plain, ours.get(0).trainLoss() + " vs " + plain + " without distortions");
    }

    /**
     * Each distorted epoch's non-zero pixels are listed on the producer thread (TrainingStep.prepare), none at an
     * epoch's first batch, and the network ends bit for bit where listing them at the first batch leaves it.
     */
    @Test
    void distortedEpochsAreListedAheadWithTheSameResult() {
        Path mnist = TestData.mnistDir();
        ExperimentConfig cfg = ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of("data.train_limit", "1500",
                "data.dir", mnist.toString(), "data.augment.rotation", "10", "data.augment.elastic", "{alpha: 34, sigma: 4}"));
        MnistSplits data = MnistSplits.load(cfg.data(), mnist);
        var plan = new EpochPlan(data.train(), data.validation(), cfg.training().batchSize(), cfg.seed(), 4, List.of(),
                cfg.data().augment());
        MultiLayerNetwork aheadNet = NetworkFactory.build(cfg);
        FusedDenseNetwork ahead = new FusedDenseNetwork(aheadNet);
        new Trainer(List.of()).train(Engine.fusedStep(ahead, aheadNet), plan);
        MultiLayerNetwork atFirstBatchNet = NetworkFactory.build(cfg);
        FusedDenseNetwork atFirstBatch = new FusedDenseNetwork(atFirstBatchNet);
        TrainingStep listingAtFirstBatch = Engine.fusedStep(atFirstBatch, atFirstBatchNet);
        new Trainer(List.of()).train(new ForwardingStep(listingAtFirstBatch) { // the same step without prepare
            @Override
            public void prepare(DataSet d, int batchSize) {
            }
        }, plan);

        assertTrue(ahead.sparseFirstLayer());
        assertEquals(0, ahead.listedOnTrainingThread(), "every epoch listed on the producer thread");
        assertEquals(4, atFirstBatch.listedOnTrainingThread());
        assertArrayEquals(atFirstBatchNet.params().toFloatVector(), aheadNet.params().toFloatVector()); // bit for bit
        assertArrayEquals(atFirstBatchNet.getUpdater().getStateViewArray().toFloatVector(),
                aheadNet.getUpdater().getStateViewArray().toFloatVector());
    }

    /**
     * The producer makes each epoch's images on a core of its own (TrainingStep.onSpareCore): meanwhile the step runs
     * its parallel parts on the training thread alone, and OpenBLAS on one thread. With best-mlp's 800 × 800 layers at
     * batch 128 (both cores for their GEMMs otherwise), training on one core throughout, on both throughout, and
     * switching whenever the producer starts and ends all end on the same bits.
     */
    @Test
    void trainingOnTheCoreTheProducerLeavesGivesTheSameBits() {
        Path mnist = TestData.mnistDir();
        ExperimentConfig cfg = ConfigLoader.load(Path.of("config/best-mlp.yaml"), Map.of("data.train_limit", "1536",
                "data.dir", mnist.toString(), "training.epochs", "3"));
        MnistSplits data = MnistSplits.load(cfg.data(), mnist);
        var plan = new EpochPlan(data.train(), data.validation(), cfg.training().batchSize(), cfg.seed(), 3, List.of(),
                cfg.data().augment());
        float[][] ends = new float[3][];
        for (int way = 0; way < 3; way++) {
            MultiLayerNetwork net = NetworkFactory.build(cfg);
            TrainingStep fused = Engine.FUSED.trainingStep(net);
            boolean oneCore = way == 1;
            boolean bothCores = way == 2;
            new Trainer(List.of()).train(new ForwardingStep(fused) {
                @Override
                public double fit(DataSet d, int[] rows) {
                    if (!oneCore) return fused.fit(d, rows);
                    double[] loss = new double[1];
                    fused.onSpareCore(() -> loss[0] = fused.fit(d, rows));
                    return loss[0];
                }

                @Override
                public void onSpareCore(Runnable work) {
                    if (bothCores) work.run(); // the producer left to the scheduler, as before
                    else fused.onSpareCore(work);
                }
            }, plan);
            ends[way] = net.params().toFloatVector();
        }
        assertArrayEquals(ends[2], ends[1], "one core throughout against both cores throughout");
        assertArrayEquals(ends[2], ends[0], "the producer's core taken and given back against both cores throughout");
    }
}
