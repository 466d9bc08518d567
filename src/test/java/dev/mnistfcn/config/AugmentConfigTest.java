package dev.mnistfcn.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code data.augment}: what it reads, what it writes back, and a one-paragraph error for each bad value. */
class AugmentConfigTest {
    private static final String BASE = "name: t\ntraining: {epochs: 1}\ndata:\n  augment:\n";

    @TempDir
    Path dir;

    private ExperimentConfig load(String augment) throws IOException {
        Path file = dir.resolve("a.yaml");
        Files.writeString(file, BASE + augment);
        return ConfigLoader.load(file, Map.of());
    }

    @Test
    void everyKeyIsReadAndWrittenBackAndAbsentKeysStayAbsent() throws IOException {
        ExperimentConfig c = load("    rotation: 10\n    scale: [0.9, 1.1]\n    shear: 5\n    translation: 2\n"
                + "    elastic: {alpha: 34, sigma: 4}\n");
        assertEquals(new AugmentSpec(10.0, List.of(0.9, 1.1), 5.0, 2.0, new ElasticSpec(34.0, 4.0)), c.data().augment());
        assertTrue(c.data().augment().any());
        assertEquals(c, ConfigLoader.parse(ConfigLoader.toYaml(c), "resolved"), "config.resolved.yaml reads back the same");
        ExperimentConfig elasticOnly = load("    elastic: {alpha: 34, sigma: 4}\n");
        assertEquals(1.38, AugmentChecks.rmsDisplacement(34, 4), 0.01, "Simard's: about 1.4 px (1.415 measured)");
        load("    elastic: {alpha: 100, sigma: 2.5}\n"); // about 6.5 px: strong, but a digit
        assertNull(elasticOnly.data().augment().rotation());
        assertFalse(ConfigLoader.toYaml(elasticOnly).contains("rotation"), "only what was set is written back");
        Path plain = dir.resolve("plain.yaml");
        Files.writeString(plain, "name: t\n");
        assertFalse(ConfigLoader.toYaml(ConfigLoader.load(plain, Map.of())).contains("augment"),
                "a run without it writes the same config.resolved.yaml as before");
        assertFalse(load("    rotation: 0\n").data().augment().any(), "all zero: nothing to distort");
    }

    @Test
    void aKeyCanBeOverriddenByItsDottedPath() throws IOException {
        Path file = dir.resolve("o.yaml");
        Files.writeString(file, BASE + "    rotation: 10\n");
        ExperimentConfig c = ConfigLoader.load(file, Map.of("data.augment.elastic.alpha", "30",
                "data.augment.elastic.sigma", "5", "data.augment.scale", "[0.8, 1.2]"));
        assertEquals(new AugmentSpec(10.0, List.of(0.8, 1.2), null, null, new ElasticSpec(30.0, 5.0)), c.data().augment());
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("    rotation: -5\n", new String[]{"'data.augment.rotation'", "'-5'", "degrees from 0 to 180"}),
                Arguments.of("    rotation: ten\n", new String[]{"'data.augment.rotation'", "'ten'", "not a number"}),
                Arguments.of("    rotate: 10\n", new String[]{"unknown key 'data.augment.rotate'",
                        "elastic, rotation, scale, shear, translation"}),
                Arguments.of("    scale: [1.2, 0.8]\n", new String[]{"'data.augment.scale'", "'[1.2, 0.8]'",
                        "[min, max] with 0.25 ≤ min ≤ max ≤ 4"}),
                Arguments.of("    scale: [0.9]\n", new String[]{"'data.augment.scale'", "a list of two scale factors"}),
                Arguments.of("    scale: 1.1\n", new String[]{"'data.augment.scale'", "not a list"}),
                Arguments.of("    shear: 80\n", new String[]{"'data.augment.shear'", "'80'", "degrees from 0 to 60"}),
                Arguments.of("    translation: 20\n", new String[]{"'data.augment.translation'", "pixels from 0 to 14"}),
                Arguments.of("    elastic: {alpha: 34}\n", new String[]{"'data.augment.elastic.sigma'", "(missing)",
                        "the key is required"}),
                Arguments.of("    elastic: {sigma: 4}\n", new String[]{"'data.augment.elastic.alpha'", "(missing)",
                        "34 with sigma 4"}),
                Arguments.of("    elastic: {alpha: 34, sigma: 0}\n", new String[]{"'data.augment.elastic.sigma'", "'0'",
                        "from 0.5 to 14"}),
                Arguments.of("    elastic: true\n", new String[]{"'data.augment.elastic'", "not a mapping of keys"}),
                // each legal alone, together they scatter the ink (5% of it kept, a review measured)
                Arguments.of("    elastic: {alpha: 100, sigma: 0.5}\n", new String[]{"'data.augment.elastic'",
                        "'alpha 100, sigma 0.5'", "at most 7 px", "about 33 px", "lower alpha or raise sigma"}),
                Arguments.of("    elastic: {alpha: 34, sigma: 4, seed: 3}\n", new String[]{
                        "unknown key 'data.augment.elastic.seed'", "alpha, sigma"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aBadValueIsOneParagraphNamingTheKey(String augment, String[] expected) throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> load(augment));
        assertTrue(e.getMessage().startsWith(dir.resolve("a.yaml").toString() + ": "), e.getMessage());
        for (String part : expected) assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
        assertFalse(e.getMessage().contains("Exception") || e.getMessage().contains("\n"), e.getMessage());
    }
}
