package dev.mnistfcn.job;

import dev.mnistfcn.TestData;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.storage.ModelFiles;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.mnistfcn.job.Resume.AUTO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fused run with dropout, a by-epoch learning-rate schedule and weight decay, killed after epoch 1 and resumed,
 * ends bit for bit where the same run trained straight through ends: the dropout masks come from (seed, iteration)
 * and the schedule from the epoch count, both restored from the checkpoint.
 */
@Tag("slow") // training runs on real MNIST, killed and resumed (docs/tests.md#test-tiers)
class RegularisedResumeTest {
    @TempDir
    Path out;

    /** Dropout on the input and the hidden layer, a by-epoch schedule, weight decay; fused. */
    private static final String REGULARISED = "training.engine=fused;model.input_dropout=0.2;model.hidden[0].dropout=0.3;"
            + "training.updater.schedule.type=exponential;training.updater.schedule.by=epoch;"
            + "training.updater.schedule.gamma=0.5;training.updater.weight_decay=0.01;data.train_limit=1500;checkpoint.every=1";

    private ExperimentConfig config(int epochs, String name) {
        return config(epochs, name, "fused");
    }

    private ExperimentConfig config(int epochs, String name, String engine) {
        Map<String, String> o = new LinkedHashMap<>();
        for (String kv : REGULARISED.split(";")) o.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        o.put("training.engine", engine);
        o.put("name", name);
        o.put("training.epochs", String.valueOf(epochs));
        o.put("data.dir", TestData.mnistDir().toString());
        o.put("output.dir", out.toString());
        return ConfigLoader.load(Path.of("config/one-layer.yaml"), o);
    }

    private String run(ExperimentConfig c) {
        var console = new ByteArrayOutputStream();
        new TrainingJob(c, new PrintStream(console), false).run(AUTO);
        return console.toString();
    }

    @Test
    void killedAndResumedEqualsStraightThrough() {
        String first = run(config(1, "resumed"));
        assertTrue(first.contains("Engine: fused"), first);
        String resumed = run(config(3, "resumed"));
        assertTrue(resumed.contains("Resuming 'resumed' from") && resumed.contains("Engine: fused")
                && !resumed.contains("Note:"), resumed);
        run(config(3, "straight"));

        MultiLayerNetwork a = ModelFiles.load(out.resolve("straight/model.zip"), true).network();
        MultiLayerNetwork b = ModelFiles.load(out.resolve("resumed/model.zip"), true).network();
        assertEquals(a.params(), b.params(), "parameters, bit for bit");
        assertEquals(a.getUpdater().getStateViewArray(), b.getUpdater().getStateViewArray(), "Adam state, bit for bit");
        assertEquals(a.getIterationCount(), b.getIterationCount());
        assertEquals(3, a.getEpochCount(), "the epoch count the schedule reads");
        assertEquals(3, b.getEpochCount(), "restored from the checkpoint, then advanced");
    }

    /** DL4J's fit draws its masks from ND4J's global generator: its resume is not exact, and says so (it did not). */
    @Test
    void aDl4jResumeWithDropoutSaysItIsNotExact() {
        run(config(1, "dl4j", "dl4j"));
        String resumed = run(config(2, "dl4j", "dl4j"));
        assertTrue(resumed.contains("Resuming 'dl4j' from") && resumed.contains("Note: " + out.resolve(
                "dl4j/checkpoints/epoch-01.zip") + " is resumed on the DL4J engine with dropout: DL4J draws its dropout "
                + "masks from ND4J's global generator"), resumed);
    }
}
