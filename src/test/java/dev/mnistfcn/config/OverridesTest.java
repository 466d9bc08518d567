package dev.mnistfcn.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules of overrides: which -D properties count, which source wins, where $MNIST_FCN_DATA_DIR applies. */
class OverridesTest {
    @TempDir
    Path tmp;

    @Test
    void laterValuesWinAndAKeyKeepsItsFirstPlace() {
        Overrides o = Overrides.of(ordered("training.epochs", "1", "data.train_limit", "5000"))
                .with(Map.of("training.epochs", "3")).with("data.dir", "/d").with("training.engine", null);
        assertEquals(List.of("training.epochs", "data.train_limit", "data.dir"), List.copyOf(o.asMap().keySet()));
        assertEquals("{training.epochs=3, data.train_limit=5000, data.dir=/d}", o.toString(), "as errors show them");
        assertEquals(ordered("training.epochs", "3", "data.dir", "/d"), o.without("data.train_limit").asMap());
        assertSame(o, o.without("seed"));
        assertThrows(UnsupportedOperationException.class, () -> o.asMap().put("seed", "1"), "a value, not a map to fill");
    }

    @Test
    void systemPropertiesCountUnderTheSectionsAndForNameAndSeed() {
        Map<String, String> set = ordered("training.epochs", "2", "seed", "7", "name", "run", "model.hidden.0.units", "16",
                "training", "x", "quick", "true", "trainingx.epochs", "5", "sweep.engine", "local");
        set.forEach(System::setProperty);
        try {
            Map<String, String> found = new LinkedHashMap<>(Overrides.none().withSystemProperties().asMap());
            found.keySet().retainAll(set.keySet()); // the JVM's own properties (java.*, user.*) are not overrides either
            assertEquals(ordered("model.hidden.0.units", "16", "name", "run", "seed", "7", "training.epochs", "2"), found,
                    "sorted by name");
        } finally {
            set.keySet().forEach(System::clearProperty);
        }
    }

    /** Word keys take any case (as activations always did) and keep the accepted spelling; a wrong word is shown as typed. */
    @Test
    void wordKeysTakeAnyCaseAndKeepOneSpelling() {
        ExperimentConfig c = ConfigLoader.load(Path.of("config/two-layer.yaml"), ordered("training.updater.type", "Adam",
                "training.engine", "FUSED", "data.dataset", "MNIST", "model.hidden[0].init.type", "Truncated_Normal",
                "training.early_stopping.monitor", "Val_Accuracy", "training.updater.schedule.type", "Exponential",
                "training.updater.schedule.by", "EPOCH", "training.updater.schedule.gamma", "0.9",
                "model.hidden[1].activation", "ReLU"));
        assertEquals(List.of("adam", "fused", "mnist", "truncated_normal", "val_accuracy", "exponential", "epoch", "relu"),
                List.of(c.training().updater().type(), c.training().engine(), c.data().dataset(),
                        c.model().hidden().get(0).init().type(), c.training().earlyStopping().monitor(),
                        c.training().updater().schedule().type(), c.training().updater().schedule().by(),
                        c.model().hidden().get(1).activation()));
        assertEquals(0.1, c.model().hidden().get(0).init().stddev(), "the normal's own keys still apply");
        ConfigException wrong = assertThrows(ConfigException.class, () -> ConfigLoader.load(Path.of("config/two-layer.yaml"),
                Map.of("training.updater.type", "Adamm")));
        assertTrue(wrong.getMessage().contains("has value 'Adamm', which is not accepted"), wrong.getMessage());
        assertEquals("/env", Overrides.of(Map.of("data.dataset", "MNIST")).withDataDir("/env", "fashion-mnist")
                .asMap().get("data.dir"), "$MNIST_FCN_DATA_DIR applies to MNIST in any case");
    }

    @Test
    void environmentDataDirComesFirstAndOnlyForMnist() {
        Overrides set = Overrides.of(Map.of("training.epochs", "2"));
        assertEquals(ordered("data.dir", "/env", "training.epochs", "2"), set.withDataDir("/env", "mnist").asMap());
        assertSame(set, set.withDataDir(null, "mnist"), "not set");
        assertSame(set, set.withDataDir("/env", "fashion-mnist"), "Fashion-MNIST keeps its own folder");
        Overrides toFashion = set.with("data.dataset", "fashion-mnist");
        assertSame(toFashion, toFashion.withDataDir("/env", "mnist"), "an override's dataset counts, not the file's");
        Overrides toMnist = Overrides.of(Map.of("data.dataset", "mnist"));
        assertEquals("/env", toMnist.withDataDir("/env", "fashion-mnist").asMap().get("data.dir"));
        Overrides dir = set.with("data.dir", "/option");
        assertSame(dir, dir.withDataDir("/env", "mnist"), "--data-dir, -D and --set win");
    }

    @Test
    void loadingAppliesThemInOrderAndNamesThemInErrors() throws Exception {
        Path file = tmp.resolve("small.yaml");
        Files.writeString(file, "model:\n  hidden:\n    - units: 32\n");
        Overrides o = Overrides.of(ordered("model.hidden", "[{units: 8}, {units: 4}]", "model.hidden.1.units", "6"));
        assertEquals(List.of(8, 6), ConfigLoader.load(file, o).model().hidden().stream().map(LayerSpec::units).toList(),
                "a list first, then one of its items");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(file, o.with("training.epochs", "two")));
        String msg = e.getMessage(); // $MNIST_FCN_DATA_DIR, where set, comes first: {data.dir=..., model.hidden=...
        assertTrue(msg.startsWith(file + " with overrides {"), msg);
        assertTrue(msg.endsWith("model.hidden=[{units: 8}, {units: 4}], model.hidden.1.units=6, training.epochs=two}: "
                + "key 'training.epochs' has value 'two', which is not accepted. Expected a whole number written with the "
                + "digits 0-9 and an optional leading '-', e.g. 20."), msg);
    }

    /**
     * {@code ~} in a folder key is the home, as in a shell: nothing expanded it in YAML or after {@code -D…=}, and a run
     * made a folder named {@code ~} in the working folder. {@code ~user} is refused rather than made literally.
     */
    @Test
    void aFolderUnderTheHomeIsWrittenWithATilde() throws Exception {
        Path file = tmp.resolve("home.yaml");
        Files.writeString(file, "output: {dir: ~/runs}\n");
        String home = HomeFolder.home();
        assertEquals(home + "/runs", ConfigLoader.load(file, Overrides.none()).output().dir());
        // As an override, since $MNIST_FCN_DATA_DIR, where set, would win over the file's data.dir.
        assertEquals(home, ConfigLoader.load(file, Overrides.of(Map.of("data.dir", "~"))).data().dir());
        assertEquals(home + "/m", ConfigLoader.load(file, Overrides.of(Map.of("output.dir", "~/m"))).output().dir());
        assertEquals("a~/b", ConfigLoader.load(file, Overrides.of(Map.of("output.dir", "a~/b"))).output().dir());
        ConfigException other = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(file, Overrides.of(Map.of("output.dir", "~bob/runs"))));
        assertTrue(other.getMessage().contains("key 'output.dir' has value '~bob/runs', which is not accepted. Expected a "
                + "folder path (~ and ~/… are your home folder; ~user/… is not expanded"), other.getMessage());
    }

    /**
     * {@code ~} is {@code $HOME}, as bash reads it; Java's user.home (from the password file) only where HOME is unset:
     * a user with no entry there got a folder named "?" (a review).
     */
    @Test
    void theHomeIsTheHomeVariable() {
        assertEquals("/tmp/elsewhere", HomeFolder.home("/tmp/elsewhere"));
        assertEquals(System.getProperty("user.home"), HomeFolder.home(null));
        assertEquals(System.getProperty("user.home"), HomeFolder.home(""));
        assertEquals("/tmp/elsewhere/runs", HomeFolder.expanded("~/runs", "/tmp/elsewhere"));
        assertEquals(System.getProperty("user.home") + "/runs", HomeFolder.expanded("~/runs", null));
    }

    /**
     * A bare {@code ~} is YAML's null, which gave the default folder (models/, data/mnist) where the docs say the home
     * folder; a whole section set by an override read its text keys as YAML numbers ('output={dir: 0x10}' wrote into
     * the folder 16, 'data={dir: 2024.10}' fetched MNIST into 2024.1); {@code name: ~} was "(missing)" where an absent
     * name is the file's (a review).
     */
    @Test
    void aBareTildeIsTheHomeFolderAndSectionsSetWholeKeepTheirText() throws Exception {
        Path file = tmp.resolve("tilde.yaml");
        Files.writeString(file, "name: ~\noutput: {dir: ~}\n");
        ExperimentConfig c = ConfigLoader.load(file, Overrides.none());
        assertEquals(HomeFolder.home(), c.output().dir());
        assertEquals("tilde", c.name(), "null is the default: the file's name");
        assertEquals("models", ConfigLoader.load(file, Overrides.of(Map.of("output", "{dir: null}"))).output().dir(),
                "null written out is still the default");
        assertEquals(HomeFolder.home(), ConfigLoader.load(file, Overrides.of(Map.of("output", "{dir: ~}")))
                .output().dir());
        assertEquals("0x10", ConfigLoader.load(file, Overrides.of(Map.of("output", "{dir: 0x10}"))).output().dir());
        ExperimentConfig data = ConfigLoader.load(file, Overrides.of(Map.of("data", "{dir: 2024.10, train_limit: 500}")));
        assertEquals("2024.10", data.data().dir());
        assertEquals(Integer.valueOf(500), data.data().trainLimit());
        assertEquals("1.10", ConfigLoader.load(file, Overrides.of(Map.of("model.hidden", "[{units: 8, activation: relu}]",
                "output", "{dir: 1.10}"))).output().dir());
        ConfigException alias = assertThrows(ConfigException.class, () -> ConfigLoader.load(file,
                Overrides.of(Map.of("model.hidden", "[&a {units: 9}, *a]"))));
        assertTrue(alias.getMessage().contains("is the alias *a, and anchors and aliases are not read here"),
                alias.getMessage()); // it was "'model.hidden[1]' has value 'a', which is not a mapping"
    }

    private static Map<String, String> ordered(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put(keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }
}
