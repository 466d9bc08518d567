package dev.mnistfcn.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each bad config fails before anything runs, with a message naming the file, the key and what is accepted. */
class BadConfigTest {
    private static final String GOOD = """
            name: t
            model:
              hidden:
                - units: 16
                  activation: relu
            training:
              epochs: 1
              batch_size: 50
              updater: {type: adam, learning_rate: 0.01}
            """;

    @TempDir
    Path dir;

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("unknown key", GOOD.replace("epochs: 1", "epoch: 1"),
                        new String[]{"unknown key 'training.epoch'", "(line 7)", "batch_size, engine, epochs, updater"}),
                Arguments.of("unknown top-level key", GOOD + "optimizer: adam\n",
                        new String[]{"unknown key 'optimizer'", "at the top level", "checkpoint"}),
                Arguments.of("typo'd activation", GOOD.replace("activation: relu", "activation: rleu"),
                        new String[]{"'model.hidden[0].activation'", "'rleu'", "relu", "tanh"}),
                Arguments.of("negative learning rate", GOOD.replace("learning_rate: 0.01", "learning_rate: -0.1"),
                        new String[]{"'training.updater.learning_rate'", "'-0.1'", "a number > 0"}),
                Arguments.of("zero units", GOOD.replace("units: 16", "units: 0"),
                        new String[]{"'model.hidden[0].units'", "'0'", "≥ 1"}),
                Arguments.of("missing units", GOOD.replace("- units: 16\n      activation: relu", "- activation: relu"),
                        new String[]{"'model.hidden[0].units'", "(missing)", "required"}),
                Arguments.of("malformed YAML", GOOD.replace("batch_size: 50", "batch_size: [50"),
                        new String[]{"not valid YAML", "(line"}),
                Arguments.of("wrong type", GOOD.replace("epochs: 1", "epochs: twenty"),
                        new String[]{"'training.epochs'", "'twenty'", "whole number"}),
                Arguments.of("fractional epochs", GOOD.replace("epochs: 1", "epochs: 1.5"),
                        new String[]{"'training.epochs'", "whole number"}),
                Arguments.of("section given as a value", GOOD.replace("training:\n  epochs: 1\n  batch_size: 50\n"
                        + "  updater: {type: adam, learning_rate: 0.01}\n", "training: 5\n"),
                        new String[]{"'training'", "(line 6)", "has value '5'", "not a mapping of keys"}),
                Arguments.of("batch larger than the training set", GOOD.replace("batch_size: 50", "batch_size: 60000"),
                        new String[]{"'training.batch_size'", "'60000'", "55,000", "data.validation_size 5,000"}),
                Arguments.of("input not 784", GOOD.replace("model:\n", "model:\n  input: 100\n"),
                        new String[]{"'model.input'", "'100'", "784"}),
                Arguments.of("output not 10", GOOD.replace("model:\n", "model:\n  output: 2\n"),
                        new String[]{"'model.output'", "'2'", "10"}),
                Arguments.of("unknown engine", GOOD.replace("epochs: 1", "epochs: 1\n  engine: turbo"),
                        new String[]{"'training.engine'", "'turbo'", "one of auto, dl4j, fused"}),
                Arguments.of("unknown updater", GOOD.replace("type: adam", "type: adamw"),
                        new String[]{"'training.updater.type'", "'adamw'", "adam, nesterovs, sgd"}),
                Arguments.of("unknown init", GOOD.replace("activation: relu", "activation: relu\n      init: {type: glorot}"),
                        new String[]{"'model.hidden[0].init.type'", "'glorot'", "truncated_normal", "xavier"}),
                Arguments.of("stddev on a named init", GOOD.replace("activation: relu",
                        "activation: relu\n      init: {type: xavier, stddev: 0.1}"),
                        new String[]{"'model.hidden[0].init.stddev'", "normal or truncated_normal"}),
                Arguments.of("dropout of 1", GOOD.replace("activation: relu", "activation: relu\n      dropout: 1.0"),
                        new String[]{"'model.hidden[0].dropout'", "[0, 1)"}),
                Arguments.of("duplicate key", GOOD.replace("epochs: 1", "epochs: 1\n  epochs: 2"),
                        new String[]{"Duplicate field 'epochs'"}),
                Arguments.of("top level a list", "- 1\n- 2\n",
                        new String[]{"top level must be a mapping"}),
                Arguments.of("zero epochs", GOOD.replace("epochs: 1", "epochs: 0"),
                        new String[]{"'training.epochs'", "'0'", "≥ 1"}),
                Arguments.of("bad run name", "name: 'a/b'\n" + GOOD.substring(GOOD.indexOf('\n') + 1),
                        new String[]{"'name'", "'a/b'", "letters, digits"}),
                Arguments.of("validation set takes the whole training file", GOOD + "data: {validation_size: 60000}\n",
                        new String[]{"'data.validation_size'", "'60000'", "from 1 to 59,999"}),
                Arguments.of("train_limit beyond what the split leaves", GOOD
                        + "data: {validation_size: 50000, train_limit: 20000}\n",
                        new String[]{"'data.train_limit'", "'20000'", "up to 10,000", "data.validation_size 50,000"}),
                Arguments.of("batch larger than what the split leaves", GOOD + "data: {validation_size: 59990}\n",
                        new String[]{"'training.batch_size'", "'50'", "size, 10 (", "data.validation_size 59,990"}),
                Arguments.of("batch larger than train_limit", GOOD + "data: {train_limit: 20}\n",
                        new String[]{"'training.batch_size'", "'50'", "size, 20 (data.train_limit"}),
                Arguments.of("mean on a named init", GOOD.replace("activation: relu",
                        "activation: relu\n      init: {type: xavier, mean: 0.5}"),
                        new String[]{"'model.hidden[0].init.mean'", "'0.5'", "set mean"}),
                Arguments.of("empty layer item", GOOD.replace("- units: 16\n      activation: relu", "-"),
                        new String[]{"'model.hidden[0]'", "empty list item", "at least 'units'"}),
                Arguments.of("empty layer item in a flow list", GOOD.replace("hidden:\n    - units: 16\n      "
                        + "activation: relu", "hidden: [~]"),
                        new String[]{"'model.hidden[0]'", "empty list item", "at least 'units'"})
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badFileIsRejectedWithItsOwnMessage(String label, String yaml, String[] expected) throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
        }
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }

    @Test
    void goodBaseConfigLoads() throws IOException {
        Path file = dir.resolve("good.yaml");
        Files.writeString(file, GOOD);
        assertEquals(16, ConfigLoader.load(file, Map.of()).model().hidden().get(0).units());
    }

    @Test
    void missingFileNamesBothPlacesLooked() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.locate("no-such.yaml"));
        assertTrue(e.getMessage().contains("no-such.yaml"));
        assertTrue(e.getMessage().contains("config/no-such.yaml"));
        assertTrue(e.getMessage().contains("two-layer.yaml"), "lists the shipped configs: " + e.getMessage());
    }

    @Test
    void badOverrideNamesTheOverride() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(
                Path.of("config/two-layer.yaml"), Map.of("training.batch_size", "big")));
        assertTrue(e.getMessage().contains("training.batch_size=big"), e.getMessage());
        assertTrue(e.getMessage().contains("'training.batch_size' has value 'big'"), e.getMessage());
        assertFalse(e.getMessage().contains("(line"), "no line numbers into the rewritten tree: " + e.getMessage());
        ConfigException idx = assertThrows(ConfigException.class, () -> ConfigLoader.load(
                Path.of("config/two-layer.yaml"), Map.of("model.hidden.5.units", "3")));
        assertTrue(idx.getMessage().contains("index 5 is outside the list of 2"), idx.getMessage());
    }

    @Test
    void splitThatLeavesNoTrainingImagesBlamesTheSplit() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(
                Path.of("config/two-layer.yaml"), Map.of("data.validation_size", "60000")));
        assertTrue(e.getMessage().contains("key 'data.validation_size' has value '60000'"), e.getMessage());
        assertFalse(e.getMessage().contains("batch_size"), e.getMessage());
    }
}
