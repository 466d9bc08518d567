package dev.mnistfcn.job;

import dev.mnistfcn.TestData;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.report.RunEvents;
import dev.mnistfcn.storage.RunProgress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run whose loss turns NaN stops at that batch with one paragraph, on either engine. It used to train every epoch
 * on NaN weights, or die in validation with DL4J's "Cannot perform evaluation with NaNs" stack trace.
 */
@Tag("slow") // a training job on real MNIST (docs/tests.md#test-tiers)
class DivergedRunTest {

    @ParameterizedTest
    @ValueSource(strings = {"fused", "dl4j"})
    void aDivergedRunStopsWithOneParagraphAndSavesNoModel(String engine, @TempDir Path out) {
        // Linear hidden layers and plain SGD at learning rate 5 overflow within a few batches.
        ExperimentConfig cfg = ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of(
                "training.epochs", "3", "data.train_limit", "2000", "data.dir", TestData.mnistDir().toString(),
                "output.dir", out.toString(), "training.engine", engine, "training.updater.type", "sgd",
                "training.updater.learning_rate", "5", "model.hidden.0.activation", "identity",
                "model.hidden.1.activation", "identity", "checkpoint.every", "1"));
        var console = new ByteArrayOutputStream();
        UserError e = assertThrows(UserError.class, () -> new TrainingJob(cfg, new PrintStream(console), true).run());

        assertTrue(e.getMessage().startsWith("Training diverged in epoch 1 of 3, at batch "), e.getMessage());
        assertTrue(e.getMessage().contains("the training loss became NaN") || e.getMessage().contains("Infinity"),
                e.getMessage());
        assertTrue(e.getMessage().contains("training.updater.learning_rate"), e.getMessage());
        Path run = out.resolve("two-layer");
        assertFalse(Files.exists(run.resolve("model.zip")), "no model.zip of NaN weights");
        assertFalse(Files.exists(run.resolve("checkpoints").resolve("epoch-01.zip")), "no checkpoint of NaN weights");
        // The runs page says it failed, and why (it read as plain "interrupted"), though this process lives on.
        RunProgress.Snapshot progress = RunProgress.read(run).orElseThrow();
        assertEquals(RunProgress.State.FAILED, progress.state());
        assertEquals(e.getMessage(), progress.error());
        assertTrue(RunEvents.now(run).orElseThrow().contains("\"error\":\"Training diverged in epoch 1 of 3"));
    }
}
