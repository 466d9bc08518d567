package dev.mnistfcn.sweep;

import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ConfigDiff;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.report.RunMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sweep files: strict checks with one-paragraph errors, grid and seeded random expansion, halving's cuts. */
class SweepFileTest {
    @TempDir
    Path dir;

    private SweepFile load(String yaml) throws Exception {
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, yaml);
        return SweepFile.load(f);
    }

    private String error(String yaml) {
        UserError e = assertThrows(UserError.class, () -> load(yaml).checkedTrials());
        assertTrue(e.getMessage().startsWith("Sweep file "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one paragraph: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void unreadableFilesAreNamedAsSuch() throws Exception {
        Path f = dir.resolve("s.yaml");
        Files.write(f, "base: two-layer.yaml\n# caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        UserError latin1 = assertThrows(UserError.class, () -> SweepFile.load(f));
        assertTrue(latin1.getMessage().startsWith("Sweep file " + f + " is not UTF-8 text: byte 0xE9 on line 2"), latin1.getMessage());
        Files.writeString(f, "base: two-layer.yaml\n# " + "a".repeat(2 << 20) + "\n");
        UserError big = assertThrows(UserError.class, () -> SweepFile.load(f));
        assertTrue(big.getMessage().startsWith("Sweep file " + f + " is over 1 MiB") && big.getMessage().endsWith(
                "Give the path to a sweep YAML file, e.g. config/sweeps/mnist-small.yaml."), big.getMessage());
        UserError folder = assertThrows(UserError.class, () -> SweepFile.load(dir));
        assertTrue(folder.getMessage().startsWith("Sweep " + dir + " is a folder, not a YAML file."), folder.getMessage());
    }

    /** A sweep named like a run replaced the run's report.html; now it stops before writing anything there. */
    @Test
    void aSweepNamedLikeARunLeavesTheRunAlone() throws Exception {
        Path run = dir.resolve("runs").resolve("victim");
        Files.createDirectories(run.resolve("checkpoints"));
        Files.writeString(run.resolve("model.zip"), "a run's model");
        Files.writeString(run.resolve("report.html"), "the run's report");
        SweepFile sweep = load("name: victim\nbase: two-layer.yaml\nset: {output.dir: '" + dir.resolve("runs")
                + "'}\nparameters: {model.hidden.0.units: [8]}\n");
        var console = new java.io.ByteArrayOutputStream();
        UserError e;
        try (var engine = new LocalEngine(1, 1)) {
            e = assertThrows(UserError.class, () -> new SweepJob(new java.io.PrintStream(console)).run(sweep, engine));
        }
        assertEquals("The sweep folder " + run + " already exists and holds files a sweep does not write (checkpoints, "
                + "model.zip): it may be a run's folder, whose report.html the sweep's would replace. Give the sweep "
                + "another name (name: in the sweep file) or another output.dir.", e.getMessage());
        assertEquals("the run's report", Files.readString(run.resolve("report.html")));
        assertEquals(List.of("checkpoints", "model.zip", "report.html"),
                Files.list(run).map(p -> p.getFileName().toString()).sorted().toList());
        assertEquals("", console.toString(), "nothing printed before the refusal");
    }

    /** Trains nothing: a refusal must come before any run. */
    private static final class NoTraining implements TrialEngine {
        @Override
        public void run(List<dev.mnistfcn.config.ExperimentConfig> runs, java.util.function.Consumer<TrialRunner.Done> done) {
            throw new AssertionError("trained " + runs.size() + " run(s) before refusing");
        }

        @Override
        public String describe() {
            return "none";
        }
    }

    /** A run's folder as a run leaves it: its lock file (never deleted) and its checkpoints. */
    private Path aRun(String name) throws Exception {
        Path run = dir.resolve("runs").resolve(name);
        Files.createDirectories(run.resolve("checkpoints"));
        Files.createDirectories(run.resolve(".previous"));
        Files.writeString(run.resolve(dev.mnistfcn.storage.RunLock.FILE), "");
        Files.writeString(run.resolve("model.zip"), "a run's model");
        return run;
    }

    /** A sweep (or run) in a run's checkpoints/ or .previous/ was moved aside by that run's next fresh start, then deleted. */
    @Test
    void aSweepOrRunInsideAnotherRunsCheckpointsIsRefused() throws Exception {
        Path run = aRun("victim");
        for (String part : List.of("checkpoints", ".previous")) {
            SweepFile sweep = load("name: sw\nbase: two-layer.yaml\nset: {output.dir: '" + run.resolve(part)
                    + "'}\nparameters: {model.hidden.0.units: [8]}\n");
            UserError e = assertThrows(UserError.class,
                    () -> new SweepJob(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).run(sweep, new NoTraining()));
            assertEquals("The sweep folder " + run.resolve(part).resolve("sw") + " is inside the run folder " + run.toRealPath()
                    + ", in a part a fresh start of that run moves aside or deletes (checkpoints/, .previous/): the sweep's "
                    + "runs and results would be lost with it. Give another output.dir (set: in the sweep file, or the "
                    + "base config's), outside that run's folder.", e.getMessage());
            assertEquals(List.of(), Files.list(run.resolve(part)).toList(), "nothing written there");
        }
        var c = dev.mnistfcn.config.ConfigLoader.load(dev.mnistfcn.config.ConfigLoader.locate("two-layer.yaml"),
                Map.of("output.dir", run.resolve("checkpoints").toString()));
        UserError train = assertThrows(UserError.class, () -> new dev.mnistfcn.job.TrainingJob(c,
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), false).run());
        assertTrue(train.getMessage().startsWith("The run folder " + run.resolve("checkpoints").resolve(c.name())
                + " is inside the run folder " + run.toRealPath()), train.getMessage());
        assertEquals(List.of(), Files.list(run.resolve("checkpoints")).toList(), "nothing written there");
    }

    /** A trial's run folder that is a link: the trial wrote through it, moving aside the run it points to. */
    @Test
    void aTrialFolderThatIsALinkIsRefused() throws Exception {
        Path other = aRun("t02-seed12345");
        Path sweepDir = Files.createDirectories(dir.resolve("runs").resolve("sw"));
        Path link = Files.createSymbolicLink(sweepDir.resolve("t01-seed12345"), other);
        SweepFile sweep = load("name: sw\nbase: two-layer.yaml\nset: {output.dir: '" + dir.resolve("runs")
                + "'}\nparameters: {model.hidden.0.units: [8]}\n");
        UserError e = assertThrows(UserError.class,
                () -> new SweepJob(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).run(sweep, new NoTraining()));
        assertTrue(e.getMessage().startsWith("The sweep folder " + sweepDir + " holds t01-seed12345: symbolic link(s) "
                + "where a trial's run folder goes"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertEquals(List.of(".lock", ".previous", "checkpoints", "model.zip"),
                Files.list(other).map(p -> p.getFileName().toString()).sorted().toList(), "the linked run untouched");
        assertTrue(Files.isSymbolicLink(link));
    }

    /** Seed + 1 past the largest seed wrapped to the most negative one, and a run was named for it. */
    @Test
    void seedsPastTheLargestAreRefused() {
        String e = error("base: two-layer.yaml\nseeds: 2\nset: {seed: 9223372036854775807}\n"
                + "parameters: {model.hidden.0.units: [8]}\n");
        assertTrue(e.contains("the seed 9223372036854775807 and seeds: 2 (seed, seed + 1, …) would pass the largest seed"), e);
    }

    /** Two sweep files of one name (a/same.yaml, b/same.yaml): the second replaced the first's results and runs. */
    @Test
    void anotherFileOfTheSameNameIsRefusedItsFolder() throws Exception {
        String yaml = "base: two-layer.yaml\nset: {output.dir: '" + dir.resolve("runs") + "'}\n"
                + "parameters: {model.hidden.0.units: [8]}\n";
        Path a = Files.createDirectories(dir.resolve("a")).resolve("same.yaml");
        Path b = Files.createDirectories(dir.resolve("b")).resolve("same.yaml");
        Files.writeString(a, yaml);
        Files.writeString(b, yaml);
        var job = new SweepJob(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        assertThrows(AssertionError.class, () -> job.run(SweepFile.load(a), new NoTraining())); // its status written
        UserError e = assertThrows(UserError.class, () -> job.run(SweepFile.load(b), new NoTraining()));
        assertTrue(e.getMessage().startsWith("The sweep folder " + dir.resolve("runs").resolve("same") + " holds the "
                + "sweep of " + a + ", and " + b + " is another file of the same name"), e.getMessage());
        assertThrows(AssertionError.class, () -> job.run(SweepFile.load(a), new NoTraining()), "its own file: accepted");
    }

    @Test
    void theOutputSectionCannotBeSweptEither() {
        assertTrue(error("base: two-layer.yaml\nparameters: {output: [{dir: sw/elsewhere}]}\n")
                .contains("parameter 'output' cannot be swept"));
    }

    /** A bare ~ in a parameter's list was "key 'parameters.data.dir' is missing" (a review). */
    @Test
    void aNullInAParametersListIsNamedAsOne() {
        String e = error("base: two-layer.yaml\nparameters: {data.dir: [~, data/mnist]}\n");
        assertTrue(e.contains("lists YAML's null (a bare ~, null or an empty item)") && e.contains("'~' in quotes"), e);
    }

    /** Such a range drew infinities, which stopped the sweep with a NumberFormatException. */
    @Test
    void rangesNeedFiniteBoundsAndWidth() {
        for (String bounds : List.of("[-1.0e308, 1.0e308]", "[0, 1.0e400]", "[-1.0e400, 0]")) {
            String e = error("base: two-layer.yaml\nstrategy: random\ntrials: 2\nparameters:\n"
                    + "  training.updater.learning_rate: {uniform: " + bounds + "}\n");
            assertTrue(e.contains("key 'parameters.training.updater.learning_rate.uniform'") && e.contains("two finite "
                    + "numbers [lo, hi] whose difference hi - lo is finite too"), e);
        }
    }

    /** -Dtraining.epochs=1 was ignored by sweep, though train and compare apply it. */
    @Test
    void dashDConfigKeysApplyAfterSetButNotToASweptKey() throws Exception {
        SweepFile sweep = load("base: two-layer.yaml\nset: {training.epochs: 4}\nparameters: {model.hidden.0.units: [8, 16]}\n");
        SweepFile quick = sweep.withOverrides(Map.of("training.epochs", "1", "data.train_limit", "1000"));
        for (Trial t : quick.checkedTrials()) {
            assertEquals(1, quick.config(t, 0).training().epochs());
            assertEquals(1000, quick.config(t, 0).data().trainLimit());
        }
        assertEquals(4, sweep.config(sweep.trials().get(0), 0).training().epochs());
        UserError swept = assertThrows(UserError.class, () -> sweep.withOverrides(Map.of("model.hidden.0.units", "32")));
        assertTrue(swept.getMessage().startsWith("-Dmodel.hidden.0.units sets a key that sweep file "), swept.getMessage());
        UserError bad = assertThrows(UserError.class, () -> sweep.withOverrides(Map.of("training.epochz", "1")));
        assertTrue(bad.getMessage().startsWith("The -D config keys {training.epochz=1} with sweep file "), bad.getMessage());
    }

    /** Without halving a trial's epochs are its own (swept): a diverged 2-epoch trial ranked above a good 1-epoch one. */
    @Test
    void rankingIsByEpochsFirstOnlyUnderHalving() {
        Metric acc = Metric.VAL_ACCURACY;
        TrialResult good = result(acc, "t01", 0.95), diverged = withEpochs(result(acc, "t02", 0.10), 2);
        assertEquals(List.of("t01", "t02"), java.util.stream.Stream.of(diverged, good)
                .sorted(TrialResult.ranking(acc, false)).map(r -> r.trial().name()).toList());
        assertEquals(List.of("t02", "t01"), java.util.stream.Stream.of(good, diverged)
                .sorted(TrialResult.ranking(acc, true)).map(r -> r.trial().name()).toList(), "halving: survivors first");
    }

    private static TrialResult withEpochs(TrialResult r, int epochs) {
        return new TrialResult(r.trial(), epochs, r.runs(), r.metric());
    }

    @Test
    void badFilesAreNamedPrecisely() throws Exception {
        // Jackson places a record's unknown key past the end of the file: the line is the key's own.
        assertTrue(error("base: two-layer.yaml\nparameters: {seed: [1]}\nstratgy: grid\n")
                .contains("unknown key 'stratgy' (line 3)"));
        assertTrue(error("stratgy: grid\nbase: two-layer.yaml\nparameters: {seed: [1]}\n")
                .contains("unknown key 'stratgy' (line 1)"));
        assertTrue(error("base: two-layer.yaml\nparameters: {seed: [1]}\nhalving:\n  keep_fractoin: 0.5\n")
                .contains("unknown key 'halving.keep_fractoin' (line 4)"));
        // A second document was read past without a word.
        assertTrue(error("base: two-layer.yaml\nparameters: {seed: [1]}\n---\nbase: one-layer.yaml\n")
                .contains("holds more than one YAML document (line 4)"));
        // A CLI review: 7 lists of 2,000 values multiplied past a long, wrapped to -2,000, passed the limit and ran out
        // of heap while planning; now over the limit whatever the product
        StringBuilder huge = new StringBuilder("base: two-layer.yaml\nparameters:\n");
        for (String key : List.of("training.epochs", "training.batch_size", "training.updater.learning_rate", "data.train_limit",
                "data.validation_size", "model.hidden.0.units", "checkpoint.keep")) {
            huge.append("  ").append(key).append(": [").append(java.util.stream.IntStream.rangeClosed(1, 2000)
                    .mapToObj(String::valueOf).collect(java.util.stream.Collectors.joining(", "))).append("]\n");
        }
        String tooMany = error(huge.toString());
        assertTrue(tooMany.contains("the grid has more than 10,000 combinations"), tooMany);
        // An alias was read as its anchor's name.
        String alias = error("base: &b two-layer.yaml\nparameters: {training.epochs: [1]}\nname: *b\n");
        assertTrue(alias.contains("key 'name' (line 3) is the alias *b"), alias);
        assertTrue(error("parameters: {training.epochs: [1]}\n").contains("key 'base' is missing"));
        assertTrue(error("base: nope.yaml\nparameters: {training.epochs: [1]}\n").contains("nope.yaml' not found"));
        assertTrue(error("base: two-layer.yaml\nparameters: {training.epochs: [1]}\nseeds: two\n")
                .contains("key 'seeds'"));
        // A dotted key that is no config key: the config loader's own message, naming the trial.
        String unknown = error("base: two-layer.yaml\nparameters: {training.epoks: [1, 2]}\n");
        assertTrue(unknown.contains("trial t01 (training.epoks=1)") && unknown.contains("unknown key 'training.epoks'"), unknown);
        // A value the key's type refuses.
        String value = error("base: two-layer.yaml\nparameters: {training.batch_size: [50, fifty]}\n");
        assertTrue(value.contains("trial t02") && value.contains("'fifty'"), value);
        assertTrue(error("base: two-layer.yaml\nparameters: {training.updater.learning_rate: {uniform: [0.1, 0.01]}}\n"
                + "strategy: random\ntrials: 3\n").contains("lo < hi"));
        assertTrue(error("base: two-layer.yaml\nparameters: {training.updater.learning_rate: {log_uniform: [0.0001, 0.01]}}\n")
                .contains("a grid cannot enumerate"));
        assertTrue(error("base: two-layer.yaml\nparameters: {training.epochs: [1]}\nmetric: test_accuracy\n")
                .contains("the test set is only reported"));
        assertTrue(error("base: two-layer.yaml\nparameters: {seed: [1, 2]}\n").contains("cannot be swept"));
        assertTrue(error("base: two-layer.yaml\nparameters: {training.epochs: [2]}\nhalving: {min_epochs: 2, keep_fraction: 0.5}\n")
                .contains("halving.min_epochs is 2"));
        assertTrue(error("base: two-layer.yaml\nparameters: {training.epochs: [1]}\nhalving: {min_epochs: 1, keep_fraction: 1.5}\n")
                .contains("halving.keep_fraction"));
        assertTrue(error("base: two-layer.yaml\nparameters: [a, b]\n").contains("key 'parameters'"));
        // A value listed twice (1e-2 is 0.01) trained the same trial twice.
        String twice = error("base: two-layer.yaml\nparameters: {training.updater.learning_rate: [0.01, 0.001, 1e-2]}\n");
        assertTrue(twice.contains("key 'parameters.training.updater.learning_rate'") && twice.contains("0.01 is listed twice"),
                twice);
        assertTrue(error("base: two-layer.yaml\nparameters: {model.hidden: [[{units: 64}], [{units: 64}]]}\n")
                .contains("is listed twice"));
        // The same value as a number and as text, or 64.0: the config reads each as 64 (they were two trials)
        assertTrue(error("base: two-layer.yaml\nparameters: {training.updater.type: [adam, Adam]}\n")
                .contains("\"Adam\" is listed twice"), "a word in any case is the same word");
        for (String units : new String[]{"[64, \"64\"]", "[64, 64.0]", "[\"6.4e1\", 128, 64]"}) {
            assertTrue(error("base: two-layer.yaml\nparameters: {model.hidden.0.units: " + units + "}\n")
                    .contains("is listed twice"), units);
        }
        // An engine that cannot train a trial stopped the sweep at that trial, after the ones before had trained.
        String engine = error("base: two-layer.yaml\nparameters: {training.engine: [dl4j, fused]}\n"
                + "set: {training.updater.type: nesterovs}\n");
        assertTrue(engine.contains("trial t02") && engine.contains("the fused engine cannot train this network"), engine);
        // set: takes a section as --set does (it said "Expected a single value").
        SweepFile sections = load("base: two-layer.yaml\nparameters: {training.epochs: [1]}\n"
                + "set: {model.hidden: [{units: 16}]}\n");
        assertEquals(16, sections.config(sections.trials().get(0), 0).model().hidden().get(0).units());
        // best.yaml is named NAME-best: a name that leaves no room for it is refused before anything runs.
        String longName = error("name: " + "n".repeat(126) + "\nbase: two-layer.yaml\nparameters: {training.epochs: [1]}\n");
        assertTrue(longName.contains("key 'name'") && longName.contains("NAME-best its best trial's config"), longName);
    }

    @Test
    void theShippedSweepIsValid() {
        SweepFile s = SweepFile.load(Path.of("config/sweeps/mnist-small.yaml"));
        List<Trial> trials = s.checkedTrials();
        assertEquals(12, trials.size());
        assertEquals(List.of(2, 4, 8), s.halving().rounds(s.config(trials.get(0), 0).training().epochs()));
        assertEquals(2, s.config(trials.get(11), 0).model().hidden().size());
        assertEquals(0.03, s.config(trials.get(11), 1).training().updater().learningRate());
    }

    @Test
    void gridIsEveryCombinationInOrder() throws Exception {
        SweepFile s = load("base: two-layer.yaml\nparameters:\n  model.hidden.0.units: [32, 64]\n"
                + "  training.updater.learning_rate: [0.001, 0.01, 0.1]\n  model.hidden: [[{units: 16}]]\n");
        List<Trial> trials = s.checkedTrials();
        assertEquals(6, trials.size());
        assertEquals(Map.of("model.hidden.0.units", "64", "training.updater.learning_rate", "0.001",
                "model.hidden", "[{\"units\":16}]"), trials.get(3).values());
        assertEquals("t04", trials.get(3).name());
        // The override order holds: model.hidden (later) replaces the layers, so units come from the list.
        assertEquals(16, s.config(trials.get(3), 0).model().hidden().get(0).units());
        assertEquals(1, s.config(trials.get(3), 0).model().hidden().size());
        assertEquals("t04-seed12346", s.config(trials.get(3), 1).name());
        assertEquals(12346L, s.config(trials.get(3), 1).seed());
        assertEquals(Path.of("models", "s"), Path.of(s.config(trials.get(3), 1).output().dir()));
    }

    @Test
    void runsElsewhereGetAbsoluteFoldersOfThisWorkingFolder() throws Exception {
        // A Spark executor runs in its worker's folder: data/mnist there is not the driver's data/mnist.
        SweepFile s = load("base: two-layer.yaml\nset: {data.dir: data/../data/mnist}\nparameters: {training.epochs: [1, 2]}\n");
        SweepFile abs = s.withAbsoluteFolders();
        Path here = Path.of("").toAbsolutePath();
        for (Trial t : abs.checkedTrials()) {
            assertEquals(here.resolve("data/mnist").toString(), abs.config(t, 0).data().dir());
            assertEquals(here.resolve("models/s").toString(), abs.config(t, 0).output().dir());
            // Everything else as the sweep says: only the folders moved.
            assertEquals(List.of("data.dir", "output.dir"), ConfigDiff.between(s.config(t, 0), abs.config(t, 0)).stream()
                    .map(ConfigDiff.Difference::key).toList());
        }
        assertEquals(here.resolve("models/s"), abs.folder());
    }

    @Test
    void randomDrawsAreSeededAndInRange() throws Exception {
        String yaml = "base: two-layer.yaml\nstrategy: random\ntrials: 20\nseed: 7\nparameters:\n"
                + "  training.updater.learning_rate: {log_uniform: [0.0001, 0.1]}\n  model.hidden.0.units: {int: [16, 64]}\n"
                + "  model.hidden.0.dropout: {uniform: [0.0, 0.5]}\n  model.hidden.1.activation: [relu, tanh]\n";
        List<Trial> a = load(yaml).checkedTrials(), b = load(yaml).checkedTrials();
        assertEquals(a, b, "same seed, same trials");
        assertEquals(20, a.size());
        for (Trial t : a) {
            double lr = Double.parseDouble(t.values().get("training.updater.learning_rate"));
            int units = Integer.parseInt(t.values().get("model.hidden.0.units"));
            assertTrue(lr >= 0.0001 && lr <= 0.1 && units >= 16 && units <= 64, t.describe());
            assertTrue(List.of("relu", "tanh").contains(t.values().get("model.hidden.1.activation")));
        }
        assertTrue(a.stream().map(t -> t.values().get("model.hidden.0.units")).distinct().count() > 5, "spread");
        assertNotEquals(a, load(yaml.replace("seed: 7", "seed: 8")).checkedTrials(), "another seed, other trials");
        // The first draw is pinned: Random's sequence is specified, so this holds on any JVM.
        assertEquals(a.get(0), load(yaml).trials().get(0));
    }

    @Test
    void halvingKeepsTheBestFractionByTheMetric() {
        Halving h = new Halving(1, 0.5);
        assertEquals(List.of(1, 2, 4, 8), h.rounds(8));
        assertEquals(List.of(2, 4, 5), new Halving(2, 0.5).rounds(5));
        assertEquals(List.of(1, 3), new Halving(1, 0.34).rounds(3));
        // Crafted results: accuracy picks the highest means, loss the lowest; a diverged (NaN) trial never survives.
        Metric acc = Metric.VAL_ACCURACY, loss = Metric.VAL_LOSS;
        List<TrialResult> ranked = List.of(result(acc, "t01", 0.90, 0.92), result(acc, "t02", 0.97, 0.95),
                result(acc, "t03", Double.NaN, 0.99), result(acc, "t04", 0.93, 0.93), result(acc, "t05", 0.95, 0.97))
                .stream().sorted(TrialResult.ranking(acc, true)).toList();
        assertEquals(List.of("t02", "t05", "t04"), h.keep(ranked).stream().map(r -> r.trial().name()).toList());
        List<TrialResult> byLoss = List.of(result(loss, "t01", 0.30, 0.20), result(loss, "t02", 0.10, 0.12),
                result(loss, "t03", 0.50, 0.05), result(loss, "t04", 0.08, 0.11)).stream()
                .sorted(TrialResult.ranking(loss, true)).toList();
        assertEquals(List.of("t04", "t02"), h.keep(byLoss).stream().map(r -> r.trial().name()).toList());
        assertEquals(1, new Halving(1, 0.01).keep(ranked).size(), "at least one survives");
    }

    /** A trial whose seeds' last epochs measured {@code values} of {@code metric}. */
    private static TrialResult result(Metric metric, String name, double... values) {
        List<RunMetrics> runs = new ArrayList<>();
        for (double v : values) {
            EpochStats epoch = metric == Metric.VAL_ACCURACY ? new EpochStats(1, 0.5, 0.3, v, 1, 1, 100)
                    : new EpochStats(1, 0.5, v, 0.5, 1, 1, 100);
            runs.add(new RunMetrics(name, "", 0, "dl4j", null, List.of(epoch), null, Map.of(), Map.of(), null));
        }
        return new TrialResult(new Trial(name, Map.of()), 1, runs, metric);
    }
}
