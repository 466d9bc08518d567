package dev.mnistfcn.engine;

import dev.mnistfcn.TestData;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.data.EpochBatches;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.engine.fused.FusedSupport;
import dev.mnistfcn.network.NetworkFactory;
import dev.mnistfcn.storage.ModelFiles;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.learning.config.IUpdater;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Learning-rate schedules and weight decay, trained by the fused engine and by DL4J's {@code fit} through the two
 * engines' own {@link TrainingStep}s (so the epoch count advances as in a run): 3 epochs of 6 batches, so that
 * by-iteration schedules change within an epoch and by-epoch ones at two epoch boundaries. Each case must also
 * end somewhere else than the same network at a fixed rate without decay, so that a schedule or decay that
 * neither engine applied could not pass.
 */
@Tag("slow") // epochs of the fused engine against DL4J's fit, per schedule (docs/tests.md#test-tiers)
class ScheduleAndDecayTest {
    private static final Path MNIST = TestData.mnistDir();
    private static MnistSplits data;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "adam | type=step;by=iteration;decay_rate=0.5;step=5",
            "sgd  | type=step;by=epoch;decay_rate=0.3;step=1",
            "adam | type=exponential;by=epoch;gamma=0.5",
            "sgd  | type=exponential;by=iteration;gamma=0.9",
            "adam | type=inverse;by=iteration;gamma=0.2;power=1.5",
            "adam | type=poly;by=iteration;power=2;max_iter=20",
            "sgd  | type=sigmoid;by=epoch;gamma=-3;step_size=1",
            "adam | type=map;by=epoch;values.0=0.01;values.1=0.002;values.2=0.0004",
            "sgd  | type=map;by=iteration;values.0=0.05;values.7=0.2;values.13=0.01",
            "adam | type=cycle;by=iteration;max_learning_rate=0.05;cycle_length=10;annealing_length=2",
            "sgd  | type=cycle;by=iteration;max_learning_rate=0.3;cycle_length=8;annealing_length=2;annealing_decay=0.5",
            "adam | weight_decay=0.5",
            "sgd  | weight_decay=2;schedule.type=exponential;schedule.by=epoch;schedule.gamma=0.5",
    })
    void fusedTrainingFollowsFit(String updater, String settings) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("training.updater.type", updater);
        o.put("training.updater.learning_rate", updater.equals("sgd") ? "0.1" : "0.01");
        for (String kv : settings.split(";")) {
            String key = kv.substring(0, kv.indexOf('='));
            String prefix = key.startsWith("weight_decay") || key.startsWith("schedule.") ? "training.updater."
                    : "training.updater.schedule.";
            o.put(prefix + key, kv.substring(kv.indexOf('=') + 1));
        }
        ExperimentConfig cfg = config(o);
        if (data == null) data = MnistSplits.load(cfg.data(), MNIST); // the same 600 images in every case
        MultiLayerNetwork reference = NetworkFactory.build(cfg);
        MultiLayerNetwork fused = NetworkFactory.build(cfg);
        assertEquals(Optional.empty(), FusedSupport.forTraining(fused.getLayerWiseConfigurations()));
        IUpdater built = reference.getLayer(0).conf().getLayer().getUpdaterByParam("W");
        TrainingStep dl4jStep = Engine.DL4J.trainingStep(reference);
        TrainingStep fusedStep = Engine.FUSED.trainingStep(fused);
        for (int epoch = 1; epoch <= 3; epoch++) {
            var order = new EpochBatches(data.train(), cfg.training().batchSize(), cfg.seed(), epoch);
            while (order.hasNext()) {
                int[] rows = order.nextRows();
                double expected = dl4jStep.fit(data.train(), rows);
                double actual = fusedStep.fit(data.train(), rows);
                assertEquals(expected, actual, 1e-3 * expected, "loss at iteration " + reference.getIterationCount());
            }
            dl4jStep.endEpoch();
            fusedStep.endEpoch();
        }
        assertEquals(3, fused.getEpochCount());
        assertEquals(reference.getEpochCount(), fused.getEpochCount());
        assertEquals(18, fused.getIterationCount());
        double scale = reference.params().norm2Number().doubleValue();
        double relative = reference.params().sub(fused.params()).norm2Number().doubleValue() / scale;
        assertTrue(relative < 1e-4, "relative parameter difference " + relative);

        // A checkpoint keeps the schedule, decay and both counts: a resumed run continues at the same rate.
        Path zip = dir.resolve("checkpoint.zip");
        ModelFiles.save(fused, zip, true, null);
        MultiLayerNetwork restored = ModelFiles.load(zip, true).network();
        IUpdater kept = restored.getLayer(0).conf().getLayer().getUpdaterByParam("W");
        assertEquals(built, kept);
        assertEquals(reference.getLayer(0).conf().getLayer().getRegularizationByParam("W"),
                restored.getLayer(0).conf().getLayer().getRegularizationByParam("W"));
        assertEquals(fused.getEpochCount(), restored.getEpochCount());
        assertEquals(fused.getIterationCount(), restored.getIterationCount());
        assertEquals(built.getLearningRate(18, 3), kept.getLearningRate(restored.getIterationCount(),
                restored.getEpochCount()));

        // The rate did change (or the decay did act): a fixed-rate run without decay ends elsewhere.
        Map<String, String> plain = new LinkedHashMap<>(o);
        plain.keySet().removeIf(k -> k.startsWith("training.updater.schedule") || k.endsWith("weight_decay"));
        MultiLayerNetwork fixed = NetworkFactory.build(config(plain));
        TrainingStep fixedStep = Engine.FUSED.trainingStep(fixed);
        for (int epoch = 1; epoch <= 3; epoch++) {
            var order = new EpochBatches(data.train(), cfg.training().batchSize(), cfg.seed(), epoch);
            while (order.hasNext()) fixedStep.fit(data.train(), order.nextRows());
            fixedStep.endEpoch();
        }
        double apart = reference.params().sub(fixed.params()).norm2Number().doubleValue() / scale;
        assertTrue(apart > 100 * relative && apart > 1e-3, "schedule/decay made a difference: " + apart + " vs "
                + relative + " (" + built + ")");
    }

    private static ExperimentConfig config(Map<String, String> overrides) {
        Map<String, String> o = new LinkedHashMap<>(Map.of("data.train_limit", "600", "training.batch_size", "100",
                "data.dir", MNIST.toString(), "training.engine", "fused"));
        o.putAll(overrides);
        return ConfigLoader.load(Path.of("config/one-layer.yaml"), o);
    }
}
