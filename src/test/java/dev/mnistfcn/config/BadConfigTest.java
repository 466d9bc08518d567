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
                        new String[]{"unknown key 'training.epoch'", "(line 7)", "batch_size, early_stopping, engine, epochs, updater"}),
                Arguments.of("unknown top-level key", GOOD + "optimizer: adam\n",
                        new String[]{"unknown key 'optimizer'", "at the top level", "checkpoint"}),
                Arguments.of("typo'd activation", GOOD.replace("activation: relu", "activation: rleu"),
                        new String[]{"'model.hidden[0].activation'", "'rleu'", "relu", "tanh"}),
                Arguments.of("negative learning rate", GOOD.replace("learning_rate: 0.01", "learning_rate: -0.1"),
                        new String[]{"'training.updater.learning_rate'", "'-0.1'", "a number > 0"}),
                Arguments.of("zero units", GOOD.replace("units: 16", "units: 0"),
                        new String[]{"'model.hidden[0].units'", "'0'", "≥ 1"}),
                Arguments.of("a network too large to save", GOOD.replace("units: 16", "units: 1000000"),
                        new String[]{"'model.hidden'", "795,000,010 parameters", "33,554,432", "[1000000]"}),
                Arguments.of("missing units", GOOD.replace("- units: 16\n      activation: relu", "- activation: relu"),
                        new String[]{"'model.hidden[0].units'", "(missing)", "required"}),
                Arguments.of("malformed YAML", GOOD.replace("batch_size: 50", "batch_size: [50"),
                        new String[]{"not valid YAML", "(line"}),
                // a tab on line 8 was "(line 7): while scanning for the next token", the tab unnamed (a review)
                Arguments.of("a tab for indentation", GOOD.replace("  batch_size: 50", "\tbatch_size: 50"),
                        new String[]{"not valid YAML (line 8): while scanning for the next token, found character a "
                                + "tab that cannot start any token (indent with spaces, not tabs). Fix the syntax"}),
                Arguments.of("an unclosed quote", GOOD.replace("batch_size: 50", "batch_size: '50"),
                        new String[]{"not valid YAML (line", "while scanning a quoted scalar, found unexpected end of stream"}),
                Arguments.of("too many layers", GOOD.replace("  hidden:\n", "  hidden:\n" + "    - {units: 1}\n".repeat(501)),
                        new String[]{"key 'model.hidden' lists 502 layers, more than the 500 a saved model can hold"}),
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
                // Read by no part of an sgd updater: it trained as plain SGD, the key kept in config.resolved.yaml.
                Arguments.of("momentum for sgd", GOOD.replace("type: adam, learning_rate: 0.01",
                                "type: sgd, learning_rate: 0.1, momentum: 0.9"),
                        new String[]{"'training.updater.momentum'", "'0.9'", "no momentum for updater type 'sgd'",
                                "learning_rate only", "momentum is for nesterovs"}),
                Arguments.of("rms_decay for adam", GOOD.replace("learning_rate: 0.01", "learning_rate: 0.01, rms_decay: 0.9"),
                        new String[]{"'training.updater.rms_decay'", "(it takes learning_rate, beta1, beta2, epsilon; "
                                + "rms_decay is for rmsprop)"}),
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
                        new String[]{"'training.epochs'", "'0'", "from 1 to 50,000"}),
                Arguments.of("more epochs than a zip's history holds", GOOD.replace("epochs: 1", "epochs: 50001"),
                        new String[]{"'training.epochs'", "'50001'", "from 1 to 50,000"}),
                Arguments.of("bad run name", "name: 'a/b'\n" + GOOD.substring(GOOD.indexOf('\n') + 1),
                        new String[]{"'name'", "'a/b'", "letters a-z and A-Z, digits"}),
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
                        new String[]{"'model.hidden[0]'", "empty list item", "at least 'units'"}),
                Arguments.of("a dash in a flow list", GOOD.replace("hidden:\n    - units: 16\n      "
                        + "activation: relu", "hidden: [-]"),
                        new String[]{"'model.hidden[0]'", "(line 3)", "'-'", "not a mapping of keys"}),
                Arguments.of("number not Java's", GOOD.replace("learning_rate: 0.01", "learning_rate: .inf"),
                        new String[]{"'training.updater.learning_rate'", "(line 9)", "'.inf'", "not a number"}),
                // A hostile-input review: 1e999 is Infinity to Java; it was taken, and training died with a stack trace.
                Arguments.of("number past a double", GOOD.replace("learning_rate: 0.01", "learning_rate: 1e999"),
                        new String[]{"'training.updater.learning_rate'", "(line 9)", "'1e999'", "not a number"}),
                // It was refused as "value '0'": the user wrote 1e-400.
                Arguments.of("number under a double", GOOD.replace("learning_rate: 0.01", "learning_rate: 1e-400"),
                        new String[]{"'training.updater.learning_rate'", "(line 9)", "'1e-400'", "not a number"}),
                // ... and an alias was read as its anchor's name: dir: *n set the folder "n".
                Arguments.of("an alias", "name: &n myrun\n" + GOOD.replace("name: t\n", "") + "output: {dir: *n}\n",
                        new String[]{"key 'output.dir' (line 10) is the alias *n", "Write the value out"}),
                Arguments.of("an alias of no anchor", GOOD.replace("name: t", "name: *undefined"),
                        new String[]{"key 'name' (line 1) is the alias *undefined"}),
                Arguments.of("value shown as written", GOOD.replace("epochs: 1", "epochs: 1e3"),
                        new String[]{"'training.epochs'", "'1e3'", "not a whole number"}),
                Arguments.of("two YAML documents", GOOD + "---\nname: u\n",
                        new String[]{"more than one YAML document", "(line 11)", "second '---'"}),
                Arguments.of("list given for a text key", GOOD.replace("name: t", "name: [a, b]"),
                        new String[]{"'name'", "(line 1)", "holds a list", "not a text value"}),
                Arguments.of("unknown dataset", GOOD + "data: {dataset: cifar10}\n",
                        new String[]{"'data.dataset'", "'cifar10'", "one of mnist, fashion-mnist"}),
                Arguments.of("dataset spelled with an underscore", GOOD + "data: {dataset: fashion_mnist}\n",
                        new String[]{"'data.dataset'", "'fashion_mnist'", "one of mnist, fashion-mnist"}),
                Arguments.of("early stopping on an unknown monitor", GOOD.replace("epochs: 1",
                        "epochs: 1\n  early_stopping: {monitor: loss}"),
                        new String[]{"'training.early_stopping.monitor'", "'loss'", "one of val_loss, val_accuracy"}),
                Arguments.of("early stopping with zero patience", GOOD.replace("epochs: 1",
                        "epochs: 1\n  early_stopping: {patience: 0}"),
                        new String[]{"'training.early_stopping.patience'", "'0'", "whole number of epochs ≥ 1"}),
                Arguments.of("early stopping with fractional patience", GOOD.replace("epochs: 1",
                        "epochs: 1\n  early_stopping: {patience: 2.5}"),
                        new String[]{"'training.early_stopping.patience'", "'2.5'", "whole number"}),
                Arguments.of("early stopping with a negative min_delta", GOOD.replace("epochs: 1",
                        "epochs: 1\n  early_stopping: {min_delta: -0.01}"),
                        new String[]{"'training.early_stopping.min_delta'", "'-0.01'", "a number ≥ 0"}),
                Arguments.of("early stopping key misspelt", GOOD.replace("epochs: 1",
                        "epochs: 1\n  early_stopping: {patiance: 3}"),
                        new String[]{"unknown key 'training.early_stopping.patiance'", "(line 8)",
                                "min_delta, monitor, patience"}),
                Arguments.of("early stopping given as a flag", GOOD.replace("epochs: 1", "epochs: 1\n  early_stopping: true"),
                        new String[]{"'training.early_stopping'", "'true'", "not a mapping of keys"})
        );
    }

    @Test
    void earlyStoppingTakesTheTutorialsDefaultsWhereKeysAreLeftOut() throws IOException {
        Path file = dir.resolve("es.yaml");
        Files.writeString(file, GOOD.replace("epochs: 1", "epochs: 1\n  early_stopping: {monitor: val_accuracy}"));
        EarlyStoppingSpec es = ConfigLoader.load(file, Map.of()).training().earlyStopping();
        assertEquals(new EarlyStoppingSpec("val_accuracy", 5, 0.0), es);
        assertFalse(es.minimize());
        Files.writeString(file, GOOD);
        assertEquals(null, ConfigLoader.load(file, Map.of()).training().earlyStopping(), "absent: off");
        assertFalse(ConfigLoader.toYaml(ConfigLoader.load(file, Map.of())).contains("early_stopping"),
                "config.resolved.yaml of a run without it stays as it was");
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

    /** In a file YAML's typing is what the user wrote, but a text key gets the scalar's text, not YAML's number. */
    @Test
    void textKeysKeepWhatTheFileSays() throws IOException {
        Path file = dir.resolve("typed.yaml");
        for (String name : new String[]{"1.10", "007", "off", "true", "1e3", "0x10"}) {
            Files.writeString(file, GOOD.replace("name: t", "name: " + name));
            assertEquals(name, ConfigLoader.load(file, Map.of()).name());
        }
        Files.writeString(file, GOOD + "data: {dir: 2024}\noutput: {dir: no}\n");
        ExperimentConfig c = ConfigLoader.load(file, Map.of());
        assertEquals("2024", c.data().dir());
        assertEquals("no", c.output().dir());
        // Number keys keep YAML's reading: a YAML 1.1 leading zero is octal (quote-free 012 is ten).
        Files.writeString(file, GOOD + "seed: 012\n");
        assertEquals(10L, ConfigLoader.load(file, Map.of()).seed());
    }

    @Test
    void emptyFileIsAllDefaultsNamedAfterTheFile() throws IOException {
        for (String text : new String[]{"", "# nothing set yet\n"}) {
            Path file = dir.resolve("blank.yaml");
            Files.writeString(file, text);
            ExperimentConfig c = ConfigLoader.load(file, Map.of());
            assertEquals(new ExperimentConfig("blank", null, null, null, null, null, null), c);
        }
    }

    @Test
    void notUtf8IsNamedAsSuch() throws IOException {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, "name: t\n# caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals("Config file " + file + " is not UTF-8 text: byte 0xE9 on line 2 is not valid UTF-8 (the file "
                + "may be in Latin-1/Windows-1252, or not a text file). Save it as UTF-8; plain ASCII is UTF-8 too.",
                e.getMessage());
    }

    @Test
    void oversizedFileIsRefusedUnread() throws IOException {
        // One comment line just over the limit, refused unread: SnakeYAML took 92 s on a 20 MB one.
        Path file = dir.resolve("big.yaml");
        Files.writeString(file, "name: t\n# " + "a".repeat(ConfigFiles.MAX_BYTES) + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertTrue(e.getMessage().startsWith("Config file " + file + " is over 1 MiB, the most mnist-fcn reads for one: "
                + "a config file is a few kB of YAML. Check that this is the file you meant. Give a path"), e.getMessage());
        String line = "# " + "a".repeat(97) + "\n"; // 100 bytes
        Files.writeString(file, "name: t\n" + line.repeat((ConfigFiles.MAX_BYTES - 8) / 100)); // just under: read
        assertEquals("t", ConfigLoader.load(file, Map.of()).name());
    }

    @Test
    void deviceIsNotAConfig() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.locate("/dev/zero"));
        assertTrue(e.getMessage().startsWith("Config file '/dev/zero' is not a regular file"), e.getMessage());
        ConfigException direct = assertThrows(ConfigException.class, () -> ConfigLoader.load(Path.of("/dev/zero"), Map.of()));
        assertTrue(direct.getMessage().startsWith("Config file /dev/zero is not a regular file"), direct.getMessage());
        ConfigException absent = assertThrows(ConfigException.class, () -> ConfigLoader.locate("/no/such.yaml"));
        assertTrue(absent.getMessage().startsWith("Config file '/no/such.yaml' not found: looked for /no/such.yaml. "),
                absent.getMessage());
    }

    @Test
    void aConfigLinkThatLeadsNowhereIsSaidToBeOne(@TempDir Path dir) throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("mine.yaml"), Path.of("/nonexistent/x.yaml"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.locate(link.toString()));
        assertTrue(e.getMessage().startsWith("Config file " + link + " is a link to /nonexistent/x.yaml that leads "
                + "nowhere"), e.getMessage());
    }

    @Test
    void emptyOrFolderConfigNameSaysWhatToGive() throws IOException {
        ConfigException empty = assertThrows(ConfigException.class, () -> ConfigLoader.locate(""));
        String shipped;
        try (var files = Files.list(Path.of("config"))) { // every shipped config, whichever there are
            shipped = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml")).sorted()
                    .collect(java.util.stream.Collectors.joining(", "));
        }
        assertTrue(shipped.contains("one-layer.yaml, ") && shipped.contains("two-layer.yaml"), shipped);
        assertTrue(empty.getMessage().startsWith("The config name is empty (''). Give a path to a YAML file, or the "
                + "name of one in config/: " + shipped + " (e.g."), empty.getMessage());
        ConfigException folder = assertThrows(ConfigException.class, () -> ConfigLoader.locate("config"));
        assertTrue(folder.getMessage().startsWith("Config 'config' is a folder"), folder.getMessage());
        ConfigException direct = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir, Map.of()));
        assertTrue(direct.getMessage().startsWith("Config " + dir + " is a folder, not a YAML file"), direct.getMessage());
    }

    @Test
    void aNameWithoutItsExtensionFindsTheYamlFile() {
        assertEquals(Path.of("config", "two-layer.yaml"), ConfigLoader.locate("two-layer"));
        assertEquals("two-layer", ConfigLoader.load(ConfigLoader.locate("two-layer"), Map.of()).name());
        assertThrows(ConfigException.class, () -> ConfigLoader.locate("two-layer.yml")); // an extension is taken as given
        // A path with a dot in a folder's name: the file name has no extension (it was not found).
        assertEquals(Path.of("./config/two-layer.yaml"), ConfigLoader.locate("./config/two-layer"));
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

    /** An override of a text key is the value exactly as written, not YAML's reading of it. */
    @ParameterizedTest(name = "name={0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"1.10", "007", "off", "true", "null", "1e3", "0x10"})
    void textOverrideIsKeptAsWritten(String name) {
        ExperimentConfig c = ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of("name", name));
        assertEquals(name, c.name());
        assertEquals(c, ConfigLoader.parse(ConfigLoader.toYaml(c), "resolved"), "config.resolved.yaml keeps it too");
    }

    @Test
    void overridesKeepTheirKeysType() {
        ExperimentConfig c = ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of("data.dir", "~",
                "output.dir", "out #2", "model.hidden.0.activation", "TANH", "seed", "012",
                "training.updater.learning_rate", "1e-3", "training.updater.beta1", ".5"));
        assertEquals(HomeFolder.home(), c.data().dir(),
                "not YAML's null but the home folder, as a shell reads ~ (a literal folder named ~ was a trap)");
        assertEquals("out #2", c.output().dir(), "not cut at '#' as a YAML comment");
        assertEquals(12L, c.seed(), "a leading zero is decimal in an override, not YAML's octal");
        assertEquals(0.001, c.training().updater().learningRate());
        assertEquals(0.5, c.training().updater().beta1());
        // Sections and lists still take YAML: an empty list of hidden layers works, a scalar is a type error.
        assertEquals(0, ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of("model.hidden", "[]"))
                .model().hidden().size());
    }

    static Stream<Arguments> badOverrides() {
        String digits = "Expected a whole number written with the digits 0-9 and an optional leading '-', e.g. 20.";
        String decimal = "Expected a decimal number such as 0.01, 5 or 1e-4.";
        return Stream.of(
                Arguments.of("name", "run #1", "key 'name' has value 'run #1', which is not accepted. Expected a run "
                        + "name made of letters a-z and A-Z, digits"),
                // é is a letter to its writer: the rule says which letters.
                Arguments.of("name", "café", "key 'name' has value 'café', which is not accepted. Expected a run "
                        + "name made of letters a-z and A-Z, digits"),
                Arguments.of("training.epochs", "abc", "key 'training.epochs' has value 'abc', which is not accepted. "
                        + digits),
                Arguments.of("training.epochs", "3.0", "has value '3.0', which is not accepted. " + digits),
                Arguments.of("training.epochs", "1e3", "has value '1e3', which is not accepted. " + digits),
                Arguments.of("training.epochs", " 3", "has value ' 3', which is not accepted. " + digits),
                Arguments.of("training.epochs", "", "has value '', which is not accepted. " + digits),
                Arguments.of("seed", "0x10", "key 'seed' has value '0x10', which is not accepted. " + digits),
                Arguments.of("training.epochs", "3000000000", "has value '3000000000', which is not accepted. "
                        + "Expected a whole number within ±2,147,483,647; docs/configs.md gives each key's own range."),
                Arguments.of("training.updater.learning_rate", "NaN", "has value 'NaN', which is not accepted. " + decimal),
                Arguments.of("training.updater.learning_rate", "1e999", "has value '1e999', which is not accepted. " + decimal),
                Arguments.of("training.updater.learning_rate", "1e-400", "has value '1e-400', which is not accepted. " + decimal),
                Arguments.of("training.updater.learning_rate", "0x1p-3", "has value '0x1p-3', which is not accepted. " + decimal),
                Arguments.of("training.updater.learning_rate", "1d", "has value '1d', which is not accepted. " + decimal),
                Arguments.of("model.hidden", "5", "key 'model.hidden' has value '5', which is not a list."),
                Arguments.of("model.hidden.0", "x", "key 'model.hidden[0]' has value 'x', which is not a mapping of keys"),
                Arguments.of("training.epochs.x", "1", "'training.epochs' is a single value, not a section")
        );
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badOverrides")
    void badOverrideValueIsNamedAsWritten(String key, String value, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(
                Path.of("config/two-layer.yaml"), Map.of(key, value)));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains(key + "=" + value), "names the override: " + e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }

    @Test
    void splitThatLeavesNoTrainingImagesBlamesTheSplit() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(
                Path.of("config/two-layer.yaml"), Map.of("data.validation_size", "60000")));
        assertTrue(e.getMessage().contains("key 'data.validation_size' has value '60000'"), e.getMessage());
        assertFalse(e.getMessage().contains("batch_size"), e.getMessage());
    }

    @Test
    void overrideFillsAnEmptyLayerItem() throws IOException {
        Path file = dir.resolve("empty-item.yaml");
        Files.writeString(file, GOOD.replace("- units: 16\n      activation: relu", "-"));
        assertEquals(16, ConfigLoader.load(file, Map.of("model.hidden.0.units", "16")).model().hidden().get(0).units());
    }

    /** Every key's type has an override rule; a new key of another type would be read as YAML. */
    @Test
    void everyKeyIsTextOrANumber() {
        java.util.List<String> leaves = new java.util.ArrayList<>();
        leaves(ExperimentConfig.class, "", leaves);
        assertTrue(leaves.contains("name: String") && leaves.contains("model.hidden.units: Integer")
                && leaves.contains("seed: Long") && leaves.contains("training.updater.learning_rate: Double"), leaves.toString());
        for (String leaf : leaves) {
            assertTrue(leaf.matches(".*: (String|Integer|Long|Double)"), leaf);
        }
    }

    private static void leaves(Class<?> record, String prefix, java.util.List<String> out) {
        for (var rc : record.getRecordComponents()) {
            String key = prefix + KeyTypes.NAMING.translate(rc.getName());
            // A list's items and a map's values (a schedule's {count: rate}) are keys too, by index or count.
            int item = rc.getType() == java.util.List.class ? 0 : rc.getType() == java.util.Map.class ? 1 : -1;
            Class<?> t = item < 0 ? rc.getType() : KeyTypes.raw(
                    ((java.lang.reflect.ParameterizedType) rc.getGenericType()).getActualTypeArguments()[item]);
            if (t.isRecord()) leaves(t, key + ".", out);
            else out.add(key + ": " + t.getSimpleName());
        }
    }
}
