package dev.mnistfcn.config;

import dev.mnistfcn.network.LayerSizes;
import dev.mnistfcn.network.NetworkFactory;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code training.updater.schedule}, {@code training.updater.weight_decay} and {@code model.input_dropout}: what
 * DL4J objects they become, and each mistake rejected with a message naming the key, the value and what is accepted.
 */
class RegularisationConfigTest {
    private static final String BASE = """
            name: t
            model:
              input_dropout: 0.1
              hidden:
                - units: 16
                  dropout: 0.3
            training:
              updater:
                type: adam
                learning_rate: 0.001
                SCHEDULE
            """;

    @TempDir
    Path dir;

    private ExperimentConfig load(String schedule) throws IOException {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, BASE.replace("SCHEDULE", schedule));
        return ConfigLoader.load(file, Map.of());
    }

    @Test
    void keysBecomeDl4jsObjects() throws IOException {
        ExperimentConfig c = load("schedule: {type: exponential, by: epoch, gamma: 0.9}\n    weight_decay: 0.0001");
        MultiLayerConfiguration conf = NetworkFactory.configuration(c);
        BaseLayer first = (BaseLayer) conf.getConf(0).getLayer();
        BaseLayer out = (BaseLayer) conf.getConf(1).getLayer();
        assertEquals(0.9, ((Dropout) first.getIDropout()).getP(), 1e-12, "input_dropout 0.1: DL4J retains 0.9");
        assertEquals(0.7, ((Dropout) out.getIDropout()).getP(), 1e-12, "dropout 0.3 on the layer's outputs");
        ISchedule s = ((Adam) first.getIUpdater()).getLearningRateSchedule();
        assertEquals(new ExponentialSchedule(ScheduleType.EPOCH, 0.001, 0.9), s);
        assertEquals(0.001 * 0.9 * 0.9, s.valueAt(1234, 2), 1e-15);
        for (BaseLayer l : List.of(first, out)) {
            assertEquals(List.of(new WeightDecay(1e-4, true)), l.getRegularization(), "weights");
            assertTrue(l.getRegularizationBias().isEmpty(), "biases are not decayed");
        }
        // Written back as it was read, so config.resolved.yaml and resume comparisons see the schedule.
        assertTrue(ConfigLoader.toYaml(c).contains("schedule:\n      type: exponential\n      by: epoch\n      gamma: 0.9"),
                ConfigLoader.toYaml(c));

        ExperimentConfig map = load("schedule: {type: map, by: iteration, values: {0: 0.01, 500: 0.001}}");
        ISchedule m = ((Adam) ((BaseLayer) NetworkFactory.configuration(map).getConf(0).getLayer()).getIUpdater())
                .getLearningRateSchedule();
        assertInstanceOf(MapSchedule.class, m);
        assertEquals(0.01, m.valueAt(499, 0));
        assertEquals(0.001, m.valueAt(500, 0));
        assertEquals(ConfigLoader.parse(ConfigLoader.toYaml(map), "resolved"), map, "map keys survive a round trip");
    }

    /** The shipped tuned configs: the network the issue asks for, trained by the fused engine under auto. */
    @ParameterizedTest
    @ValueSource(strings = {"tuned", "fashion-tuned"})
    void tunedConfigBuildsForTheFusedEngine(String name) {
        ExperimentConfig c = ConfigLoader.load(Path.of("config/" + name + ".yaml"), Map.of());
        MultiLayerConfiguration conf = NetworkFactory.configuration(c);
        assertEquals("784-1024-1024-10", LayerSizes.of(conf));
        double[] retain = {0.9, 0.7, 0.7};
        for (int i = 0; i < 3; i++) {
            assertEquals(retain[i], ((Dropout) ((BaseLayer) conf.getConf(i).getLayer()).getIDropout()).getP(), 1e-12);
        }
        ISchedule s = ((Adam) ((BaseLayer) conf.getConf(0).getLayer()).getIUpdater()).getLearningRateSchedule();
        assertEquals(new ExponentialSchedule(ScheduleType.EPOCH, 0.001, 0.9), s);
        assertEquals(128, c.training().batchSize());
        assertTrue(c.training().epochs() <= 30);
        assertEquals(java.util.Optional.empty(), dev.mnistfcn.engine.fused.FusedSupport.forTraining(conf));
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("schedule: {type: cosine, by: epoch}",
                        new String[]{"'training.updater.schedule.type'", "'cosine'", "step, exponential, inverse, poly, "
                                + "sigmoid, map, cycle", "ExponentialSchedule"}),
                Arguments.of("schedule: {type: exponential, gamma: 0.9}",
                        new String[]{"'training.updater.schedule.by'", "(missing)", "epoch or iteration"}),
                Arguments.of("schedule: {type: exponential, by: batch, gamma: 0.9}",
                        new String[]{"'training.updater.schedule.by'", "'batch'", "epoch or iteration"}),
                Arguments.of("schedule: {type: exponential, by: epoch}",
                        new String[]{"'training.updater.schedule.gamma'", "(missing)", "requires it"}),
                Arguments.of("schedule: {type: exponential, by: epoch, gamma: 0.9, power: 2}",
                        new String[]{"'training.updater.schedule.power'", "'2'", "no power for schedule type "
                                + "'exponential', which takes gamma"}),
                Arguments.of("schedule: {type: exponential, by: epoch, gamma: 0}",
                        new String[]{"'training.updater.schedule.gamma'", "'0'", "> 0"}),
                Arguments.of("schedule: {type: step, by: epoch, decay_rate: 0.5, step: 0}",
                        new String[]{"'training.updater.schedule.step'", "'0'", "≥ 1"}),
                Arguments.of("schedule: {type: step, by: epoch, decay_rate: 0.5, step: 2.5}",
                        new String[]{"'training.updater.schedule.step'", "whole number"}),
                Arguments.of("schedule: {type: poly, by: iteration, power: 0, max_iter: 100}",
                        new String[]{"'training.updater.schedule.power'", "'0'", "≠ 0", "(1 + t/max_iter)^power"}),
                Arguments.of("schedule: {type: poly, by: iteration, power: 2}",
                        new String[]{"'training.updater.schedule.max_iter'", "(missing)"}),
                Arguments.of("schedule: {type: sigmoid, by: epoch, gamma: 0, step_size: 3}",
                        new String[]{"'training.updater.schedule.gamma'", "≠ 0"}),
                Arguments.of("schedule: {type: map, by: epoch, values: {5: 0.001}}",
                        new String[]{"'training.updater.schedule.values'", "includes 0", "lacks the value at 0"}),
                Arguments.of("schedule: {type: map, by: epoch, values: {0: 0.01, 5: -1}}",
                        new String[]{"'training.updater.schedule.values.5'", "'-1'", "learning rates > 0"}),
                Arguments.of("schedule: {type: map, by: epoch, values: {0: 0.1, 5: 0.2, 05: 0.3}}", // 0.2 was dropped
                        new String[]{"key 'training.updater.schedule.values' names the count 5 twice ('5' and '05')"}),
                Arguments.of("schedule: {type: map, by: epoch, values: {zero: 0.01}}", // it said "holds a section"
                        new String[]{"key 'training.updater.schedule.values'", "has the entry 'zero', whose name is not "
                                + "a whole number"}),
                Arguments.of("schedule: {type: cycle, by: iteration, max_learning_rate: 0.0001, cycle_length: 10, "
                                + "annealing_length: 2}",
                        new String[]{"'training.updater.schedule.max_learning_rate'", "above learning_rate"}),
                Arguments.of("schedule: {type: cycle, by: iteration, max_learning_rate: 0.01, cycle_length: 10, "
                                + "annealing_length: 9}",
                        new String[]{"'training.updater.schedule.annealing_length'", "'9'", "here 0 to 8"}),
                Arguments.of("schedule: {type: exponential, by: epoch, gama: 0.9}",
                        new String[]{"unknown key 'training.updater.schedule.gama'", "gamma", "decay_rate"}),
                Arguments.of("weight_decay: -0.1",
                        new String[]{"'training.updater.weight_decay'", "'-0.1'", "≥ 0"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void eachMistakeIsNamed(String schedule, String[] expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(schedule));
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
        }
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one paragraph: " + e.getMessage());
    }

    @Test
    void weightDecayWithL2OnALayerIsRefused() throws IOException {
        Path file = dir.resolve("both.yaml");
        Files.writeString(file, BASE.replace("SCHEDULE", "weight_decay: 0.001").replace("dropout: 0.3", "l2: 0.0005"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertTrue(e.getMessage().contains("'model.hidden[0].l2' has value '0.0005'")
                && e.getMessage().contains("no l2 together with training.updater.weight_decay 0.001"), e.getMessage());
    }

    @Test
    void inputDropoutIsADropProbability() throws IOException {
        Path file = dir.resolve("drop.yaml");
        Files.writeString(file, BASE.replace("SCHEDULE", "").replace("input_dropout: 0.1", "input_dropout: 1"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertTrue(e.getMessage().contains("'model.input_dropout' has value '1'") && e.getMessage().contains("[0, 1)"),
                e.getMessage());
    }
}
