package dev.mnistfcn.config;

import dev.mnistfcn.FuzzInputFile;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Config files and overrides through {@link ConfigLoader#load}, as every command reads them. An input is the file's
 * bytes, then optionally a 0 byte and override lines {@code key=value}. For any input the only allowed failure is a
 * {@link ConfigException}; a config that loads must also read back unchanged from the YAML that a run stores as
 * config.resolved.yaml.
 */
class ConfigFuzzTest {
    private static final FuzzInputFile INPUT = new FuzzInputFile("fuzz-config-", "input.yaml");

    @AfterAll
    static void deleteInputFile() throws IOException {
        INPUT.delete();
    }

    @MethodSource("configs")
    @DictionaryEntries({"model:", "training:", "data:", "output:", "checkpoint:", "hidden:", "units:", "activation:",
            "init:", "type:", "epochs:", "batch_size:", "updater:", "learning_rate:", "schedule:", "name:", "seed:",
            "dropout:", "l2:", "early_stopping:", "engine:", "validation_size:", "every:", "keep:", "- ",
            "relu", "adam", "sgd", "normal", "fused", "{", "}", "[", "]", "&a", "*a", "!!", "---", "~", ".inf",
            "0x", "model.hidden.0.units=", "training.epochs="})
    @FuzzTest(maxDuration = "30s")
    void load(byte[] input) throws IOException {
        int split = indexOf(input, (byte) 0);
        byte[] yaml = split < 0 ? input : Arrays.copyOf(input, split);
        Map<String, String> overrides = new LinkedHashMap<>();
        if (split >= 0) {
            String lines = new String(input, split + 1, input.length - split - 1, StandardCharsets.UTF_8);
            for (String line : lines.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) overrides.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        Path path = INPUT.path();
        Files.write(path, yaml);
        ExperimentConfig config;
        try {
            config = ConfigLoader.load(path, overrides);
        } catch (ConfigException expected) {
            return;
        }
        String resolved = ConfigLoader.toYaml(config);
        assertEquals(config, ConfigLoader.parse(resolved, "config.resolved.yaml"), resolved);
    }

    /** Keys that are no path ('[', '.', 'a..b') ended in ArrayIndexOutOfBoundsException (found by fuzzing). */
    @Test
    void anOverrideKeyThatIsNoPathIsAConfigError() {
        for (String key : new String[]{"[", ".", "", "training..epochs", "model.hidden[]"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of(key, "8")), key);
            assertTrue(e.getMessage().contains("Override " + key + "=8") && e.getMessage().contains("not a path"),
                    e.getMessage());
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) if (bytes[i] == b) return i;
        return -1;
    }

    /** The shipped configs, one with overrides, and a few short ones. */
    static Stream<byte[]> configs() {
        try (var shipped = Files.list(Path.of("config"))) {
            var files = shipped.filter(p -> p.toString().endsWith(".yaml")).sorted().map(p -> {
                try {
                    return Files.readAllBytes(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
            return Stream.concat(files.stream(), Stream.of(
                    "name: x\nmodel: {hidden: []}\n\0training.epochs=2\nmodel.hidden.0.units=8\n",
                    "model:\n  hidden:\n    - units: 8\n      dropout: 0.5\ntraining: {updater: {type: sgd}}\n",
                    "seed: 012\nname: 1.10\n",
                    "").map(s -> s.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
