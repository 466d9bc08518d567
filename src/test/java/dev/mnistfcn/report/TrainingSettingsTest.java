package dev.mnistfcn.report;

import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The settings line of the run header and reports, from the shipped configs and from YAML as a user writes it (read
 * by the real loader and validator): the YAML's words, each setting only when set. The line in a real run's console,
 * report.md and report.html is checked by job/EarlyStoppedCompareTest.
 */
class TrainingSettingsTest {
    @TempDir
    Path dir;

    @Test
    void theTutorialsNetsHaveNoneAndTunedShowsScheduleAndDropout() {
        for (String plain : List.of("one-layer", "two-layer", "fashion-one-layer", "fashion-two-layer")) {
            assertEquals(List.of(), TrainingSettings.of(ConfigLoader.load(Path.of("config/" + plain + ".yaml"), Map.of())),
                    plain);
        }
        ExperimentConfig tuned = ConfigLoader.load(Path.of("config/tuned.yaml"), Map.of());
        assertEquals("adam lr 0.001", TrainingSettings.optimiser(tuned));
        assertEquals(List.of("schedule: exponential by epoch, gamma 0.9", "dropout: input 0.1, hidden 0.3/0.3"),
                TrainingSettings.of(tuned));
        ExperimentConfig stopped = ConfigLoader.load(Path.of("config/tuned.yaml"), Map.of(
                "training.early_stopping.monitor", "val_accuracy", "training.updater.weight_decay", "0.0001"));
        assertEquals("schedule: exponential by epoch, gamma 0.9; dropout: input 0.1, hidden 0.3/0.3; "
                + "weight_decay: 0.0001; early stopping: val_accuracy, patience 5, min_delta 0",
                TrainingSettings.joined(stopped), "early stopping's defaults are shown: they are what the run used");
    }

    /** An augmented run's header said nothing of it: the same header as a plain run of the same net. */
    @Test
    void augmentationAndASmallRateAreShownAsWritten() {
        ExperimentConfig best = ConfigLoader.load(Path.of("config/best-mlp.yaml"), Map.of("training.updater.learning_rate",
                "0.0001"));
        assertEquals("adam lr 0.0001", TrainingSettings.optimiser(best), "not 1.0E-4");
        assertEquals(List.of("schedule: exponential by epoch, gamma 0.98", "augment: rotation 10, scale 0.9-1.1, "
                + "translation 2, elastic 34/4"), TrainingSettings.of(best));
        // One line for the runs page, whether a run is followed live or known from its metrics.json only.
        assertEquals("adam lr 0.0001; schedule: exponential by epoch, gamma 0.98; augment: rotation 10, scale 0.9-1.1, "
                + "translation 2, elastic 34/4", TrainingSettings.line(best));
        assertEquals("adam lr 0.01", TrainingSettings.line(ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of())));
        // Extremes as exponents: l2 1e308 was a 309-digit number in the run's summary, 1e-320 a row of 320 zeros
        assertEquals("1E+308", TrainingSettings.number(1e308));
        assertEquals("1E-320", TrainingSettings.number(1e-320));
        assertEquals("0.000001", TrainingSettings.number(1e-6));
    }

    @Test
    void everyKeyOfTheScheduleInItsOwnNameAndLayersWithoutASettingShowZero() throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, """
                name: c
                model:
                  hidden:
                    - {units: 32, l2: 0.0005}
                    - {units: 16, dropout: 0.25}
                training:
                  updater:
                    learning_rate: 0.01
                    schedule: {type: map, by: iteration, values: {0: 0.01, 500: 0.001}}
                  early_stopping: {patience: 3, min_delta: 0.001}
                """);
        ExperimentConfig map = ConfigLoader.load(file, Map.of());
        assertEquals(List.of("schedule: map by iteration, values {0: 0.01, 500: 0.001}", "dropout: hidden 0/0.25",
                "l2: 0.0005/0", "early stopping: val_loss, patience 3, min_delta 0.001"), TrainingSettings.of(map));
        assertEquals("adam lr from its schedule", TrainingSettings.optimiser(map), "a map schedule does not use learning_rate");
        Files.writeString(file, """
                name: c
                training:
                  updater:
                    type: sgd
                    learning_rate: 0.1
                    schedule: {type: cycle, by: iteration, max_learning_rate: 0.5, cycle_length: 100, annealing_length: 10}
                """);
        ExperimentConfig cycle = ConfigLoader.load(file, Map.of());
        assertEquals(List.of("schedule: cycle by iteration, max_learning_rate 0.5, cycle_length 100, annealing_length 10"),
                TrainingSettings.of(cycle), "annealing_decay left out, as in the file");
        assertEquals("sgd lr 0.1", TrainingSettings.optimiser(cycle));
    }
}
