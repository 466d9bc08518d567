package dev.mnistfcn.cli;

import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.config.RunName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train and walkthrough take --config and --set from one mixin; train's overrides come in one order. */
class ConfigOptionsTest {
    @Test
    void trainAppliesQuickThenDThenSetThenItsOwnOptions() throws Exception {
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs("--quick", "--set", "training.epochs=4", "--set", "seed=9", "--engine", "dl4j",
                "--data-dir", "/d", "--set", "data.dir=/set");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("training.epochs", "4");           // --quick's place, -D over it, --set over -D
        expected.put("data.train_limit", "5000");       // --quick
        expected.put("data.validation_size", "100");    // -D, in the order of the names
        expected.put("seed", "9");                      // --set over -D
        expected.put("data.dir", "/d");                 // --data-dir over --set
        expected.put("training.engine", "dl4j");
        Map<String, String> actual = with(Map.of("seed", "7", "data.validation_size", "100", "training.epochs", "3"),
                () -> train.overrides().asMap());
        assertEquals(List.copyOf(expected.entrySet()), List.copyOf(actual.entrySet()));
    }

    @Test
    void eachCommandTakesItsConfigFromItsOwnProperty() throws Exception {
        Map<String, String> both = Map.of("config", "one-layer.yaml", "walkthrough", "tuned.yaml");
        assertEquals(Path.of("config/one-layer.yaml"), with(both, () -> parsed(new TrainCommand()).options.file()));
        assertEquals(Path.of("config/tuned.yaml"), with(both, () -> parsed(new WalkthroughCommand()).options.file()));
        assertEquals(Path.of("config/two-layer.yaml"), parsed(new WalkthroughCommand()).options.file(), "neither set");
        WalkthroughCommand given = new WalkthroughCommand();
        new CommandLine(given).parseArgs("-c", "config/one-layer.yaml", "--set", "training.epochs=2");
        assertEquals(Path.of("config/one-layer.yaml"), given.options.file());
        assertEquals(Map.of("training.epochs", "2"), ConfigOptions.keyValues(given.options.set));
    }

    /** A smoke run right after the real one must not move the real model into .previous/ (nor a second delete it). */
    @Test
    void aSmokeRunIsSavedUnderItsOwnNameUnlessOneIsGiven(@TempDir Path dir) throws Exception {
        assertEquals("two-layer-quick", train("-c", "config/two-layer.yaml", "--quick").config().name());
        assertEquals("two-layer-quick", with(Map.of("quick", "true"), () -> train("-c", "config/two-layer.yaml")
                .config().name()), "-Dquick=true");
        assertEquals("two-layer", train("-c", "config/two-layer.yaml").config().name(), "not a smoke run");
        assertEquals("mine", train("-c", "config/two-layer.yaml", "--quick", "--set", "name=mine").config().name());
        assertEquals("mine", with(Map.of("name", "mine"), () -> train("-c", "config/two-layer.yaml", "--quick")
                .config().name()), "-Dname");
        assertEquals("two-layer", train("-c", "config/two-layer.yaml", "--quick", "--set", "name=two-layer")
                .config().name(), "the config's own name, asked for");

        String longest = "n".repeat(123); // a valid name, but 129 characters with "-quick"
        Path file = dir.resolve("long.yaml");
        Files.writeString(file, Files.readString(Path.of("config/two-layer.yaml")).replace("name: two-layer",
                "name: " + longest));
        UserError e = assertThrows(UserError.class, () -> train("-c", file.toString(), "--quick").config());
        assertEquals(file + ": --quick saves the smoke run as '" + longest + "-quick', which is not a run name: "
                + RunName.RULE + ". Name it with --set name=... (or -Dname=...).", e.getMessage());
        assertEquals(longest, train("-c", file.toString()).config().name());

        // --quick's own train_limit against a large validation set was blamed on a key the user never wrote (a review)
        UserError big = assertThrows(UserError.class, () -> train("-c", "config/two-layer.yaml", "--quick", "--set",
                "data.validation_size=58000").config());
        assertTrue(big.getMessage().contains("'data.train_limit' has value '5000'") && big.getMessage().endsWith(
                " --quick sets data.train_limit to 5000: give it one within that range (--set data.train_limit=N)."),
                big.getMessage());
        assertEquals(1000, train("-c", "config/two-layer.yaml", "--quick", "--set", "data.validation_size=58000",
                "--set", "data.train_limit=1000").config().data().trainLimit());
    }

    /** bench gave every config MNIST's folder, so a Fashion-MNIST config failed on MNIST's files as "damaged". */
    @Test
    void benchKeepsTheConfigsDataFolderUnlessGivenOne() {
        BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs("-c", "fashion-one-layer.yaml", "--epochs", "1");
        var fashion = ConfigLoader.load(ConfigLoader.locate("fashion-one-layer.yaml"), bench.overrides());
        assertEquals(Dataset.FASHION_MNIST.defaultDir(), fashion.data().dir());
        BenchCommand given = new BenchCommand();
        new CommandLine(given).parseArgs("-c", "two-layer.yaml", "--data-dir", "/d");
        assertEquals(Map.of("training.epochs", "5", "data.dir", "/d"), given.overrides().asMap());
    }

    /** picocli's own Map option said "Value for option option '--set' (KEY=VALUE) should be in KEY=VALUE format". */
    @Test
    void aSetWithoutAnEqualsSignIsNamedAndTheLastOfAKeyWins() {
        UserError e = assertThrows(UserError.class, () -> train("-c", "config/two-layer.yaml", "--set", "epochs").config());
        assertEquals("--set epochs: an override is KEY=VALUE, a dotted key path into the config and its value, e.g. "
                + "--set training.epochs=2 or --set model.hidden.0.units=128.", e.getMessage());
        assertEquals(Map.of("training.epochs", "3", "name", "a=b"), ConfigOptions.keyValues(
                List.of("training.epochs=2", "name=a=b", "training.epochs=3")));
    }

    @Test
    void oneDeclarationOfConfigAndSet() {
        for (Object command : new Object[]{new TrainCommand(), new WalkthroughCommand()}) {
            var spec = new CommandLine(command).getCommandSpec();
            var mixin = spec.mixins().get("options");
            assertInstanceOf(ConfigOptions.class, mixin.userObject(), spec.name());
            for (String name : new String[]{"--config", "-c", "--set"}) {
                assertEquals(List.of(mixin.findOption(name).description()), List.of(spec.findOption(name).description()),
                        spec.name() + " " + name);
            }
        }
    }

    private static TrainCommand train(String... args) {
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs(args);
        return train;
    }

    private static <T> T parsed(T command) {
        new CommandLine(command).parseArgs();
        return command;
    }

    /** Calls {@code body} with system properties set, restoring them afterwards. */
    private static <T> T with(Map<String, String> properties, Callable<T> body) throws Exception {
        Map<String, String> old = new LinkedHashMap<>();
        properties.keySet().forEach(k -> old.put(k, System.getProperty(k)));
        try {
            properties.forEach(System::setProperty);
            return body.call();
        } finally {
            old.forEach((k, v) -> {
                if (v == null) System.clearProperty(k);
                else System.setProperty(k, v);
            });
        }
    }
}
