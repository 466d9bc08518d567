package dev.mnistfcn.cli;

import dev.mnistfcn.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** -D properties that stand for options are checked like config keys; a refused value writes nothing. */
class CliPropertiesTest {
    @TempDir
    Path tmp;

    /**
     * NAMES is the list the misspelling check compares with, kept by hand: every undotted -D property the sources read
     * must be in it, or a one-letter slip of a new one would pass unnoticed.
     */
    @Test
    void everyPropertyTheSourcesReadIsInNames() throws Exception {
        var read = java.util.regex.Pattern.compile("(?:System\\.getProperty|Boolean\\.getBoolean|Integer\\.getInteger"
                + "|Long\\.getLong|CliProperties\\.\\w+)\\(\"([a-z]+)\"");
        java.util.Set<String> found = new java.util.TreeSet<>();
        try (var files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                var m = read.matcher(Files.readString(f));
                while (m.find()) found.add(m.group(1));
            }
        }
        assertTrue(found.size() >= 15, "the scan finds the reads: " + found);
        assertEquals(List.of(), found.stream().filter(n -> !CliProperties.NAMES.contains(n)).toList());
    }

    @Test
    void quickIsTrueOrFalse() throws Exception {
        assertFalse(with("quick", null, () -> CliProperties.flag("quick")));
        assertTrue(with("quick", "true", () -> CliProperties.flag("quick")));
        assertFalse(with("quick", "false", () -> CliProperties.flag("quick")));
        assertTrue(with("quick", "", () -> CliProperties.flag("quick")), "-Dquick alone means true");
        for (String bad : new String[]{"yes", "TRUE", "1", " true"}) {
            UserError e = assertThrows(UserError.class, () -> with("quick", bad, () -> CliProperties.flag("quick")));
            assertEquals("-Dquick has value '" + bad + "', which is not accepted. Expected true or false (-Dquick alone "
                    + "means true; or use --quick).", e.getMessage());
        }
    }

    /** -Dverbose was read after the run had trained and saved: a finished run then exited 2. */
    @ParameterizedTest
    @ValueSource(strings = {"quick", "verbose"})
    void aBadFlagStopsTrainBeforeAnythingIsWritten(String flag) throws Exception {
        String err = with(flag, "yes", () -> run(2, "train", "-c", "config/two-layer.yaml", "--" + flag, "--set",
                "output.dir=" + tmp.resolve("out"), "--set", "data.dir=" + tmp.resolve("data")));
        assertEquals("error: -D" + flag + " has value 'yes', which is not accepted. Expected true or false (-D" + flag
                + " alone means true; or use --" + flag + ").", err.strip());
        assertNothingWritten();
    }

    /** mvn exec:java -Dserve=yes: read before picocli runs, so it gave a stack trace, and offered a --serve there is not. */
    @Test
    void aBadServePropertyIsOneLine() throws Exception {
        assertEquals("error: -Dserve has value 'yes', which is not accepted. Expected true or false (-Dserve alone means "
                + "true; or use the serve command).", with("serve", "yes", () -> run(2)).strip());
    }

    /** -Dcompare="one-layer.yaml, two-layer.yaml" looked for ' two-layer.yaml'; -Dpredict was already read so. */
    @Test
    void listPropertiesAreReadWithoutTheSpacesAroundTheirItems() throws Exception {
        assertEquals(List.of("one-layer.yaml", "two-layer.yaml"), with("compare", " one-layer.yaml, two-layer.yaml ,",
                () -> new CompareCommand().configs));
        assertEquals(List.of("dl4j", "fused"), with("engines", "dl4j, fused", () -> new CompareCommand().engines));
        assertEquals(null, with("engines", null, () -> new CompareCommand().engines), "not given");
        assertEquals(List.of("one-layer.yaml", "two-layer.yaml"), with("compare", null, () -> new CompareCommand().configs));
    }

    @Test
    void seedsIsAWholeNumberOfAtLeastOne() throws Exception {
        String meaning = "how many seeds";
        assertEquals(3, with("seeds", null, () -> CliProperties.wholeNumber("seeds", null, 1, 3, meaning)));
        assertEquals(12, with("seeds", "012", () -> CliProperties.wholeNumber("seeds", null, 1, 3, meaning)));
        assertEquals(2, with("seeds", "abc", () -> CliProperties.wholeNumber("seeds", 2, 1, 3, meaning)),
                "--seeds wins over -Dseeds");
        for (String bad : new String[]{"abc", "0", "-1", "2.5", "", "3 "}) {
            UserError e = assertThrows(UserError.class, () -> with("seeds", bad,
                    () -> CliProperties.wholeNumber("seeds", null, 1, 3, meaning)));
            assertEquals("-Dseeds has value '" + bad + "', which is not accepted. Expected a whole number ≥ 1 written "
                    + "with the digits 0-9 (how many seeds).", e.getMessage());
        }
        UserError big = assertThrows(UserError.class, () -> with("seeds", "3000000000",
                () -> CliProperties.wholeNumber("seeds", null, 1, 3, meaning)));
        assertTrue(big.getMessage().contains("Expected a whole number from 1 to 2,147,483,647"), big.getMessage());
        // compare's --seeds stops at 100, as a sweep's seeds: --seeds 1000000 set off a million runs of each config.
        for (Integer option : new Integer[]{101, null}) {
            UserError many = assertThrows(UserError.class, () -> with("seeds", "1000000",
                    () -> CliProperties.wholeNumber("seeds", option, 1, 100, 3, meaning)));
            assertEquals((option == null ? "-Dseeds has value '1000000'" : "--seeds has value '101'") + ", which is not "
                    + "accepted. Expected a whole number from 1 to 100 written with the digits 0-9 (how many seeds).",
                    many.getMessage());
        }
        assertEquals(100, with("seeds", "100", () -> CliProperties.wholeNumber("seeds", null, 1, 100, 3, meaning)));
    }

    @Test
    void badSeedsStopCompareBeforeAnythingIsWritten() throws Exception {
        String[] args = {"compare", "config/one-layer.yaml", "--out", tmp.resolve("out").toString(), "--set",
                "data.dir=" + tmp.resolve("data")};
        String err = with("seeds", "abc", () -> run(2, args));
        assertEquals("error: -Dseeds has value 'abc', which is not accepted. Expected a whole number from 1 to 100 "
                + "written with the digits 0-9 (how many seeds each config is trained with).", err.strip());
        String[] zero = java.util.Arrays.copyOf(args, args.length + 2);
        zero[args.length] = "--seeds";
        zero[args.length + 1] = "0";
        assertTrue(run(2, zero).startsWith("error: --seeds has value '0', which is not accepted. Expected a whole "
                + "number from 1 to 100"));
        zero[args.length + 1] = "1000000";
        assertTrue(run(2, zero).startsWith("error: --seeds has value '1000000', which is not accepted."));
        assertNothingWritten();
    }

    /**
     * The CLI review: -Dmodle=ZIP was ignored and two-layer trained instead, twice over a finished run that the second
     * fresh start deleted; -Dcompare= wrote an empty comparison over the last report; -Dpredict with -Dcompare ran one.
     */
    @Test
    void misspelledEmptyAndTwoCommandPropertiesAreRefusedBeforeAnythingRuns() throws Exception {
        for (String[] typo : new String[][]{{"modle", "model"}, {"confg", "config"}, {"predikt", "predict"},
                {"comapre", "compare"}, {"seeeds", "seeds"}, {"input.scal", "input.scale"}, {"sweep.engin", "sweep.engine"},
                {"sweep.nam", "sweep.name"}}) {
            String err = with(typo[0], "x", () -> run(2));
            assertTrue(err.startsWith("error: -D" + typo[0] + " is not a property mnist-fcn reads; did you mean -D"
                    + typo[1] + "?"), err);
        }
        // A config key under a misspelled section was no override: the run trained the file's 20 epochs.
        for (String[] typo : new String[][]{{"trainig.epochs", "training.epochs"}, {"modle.hidden[0].units", "model.hidden[0].units"},
                {"dat.dir", "data.dir"}, {"ouptut.dir", "output.dir"}}) {
            String err = with(typo[0], "1", () -> run(2));
            assertTrue(err.startsWith("error: -D" + typo[0] + " is not a property mnist-fcn reads; did you mean -D"
                    + typo[1] + "?"), err);
        }
        // A key without its section, in capitals or under a section cut short: all trained the file's 20 epochs (a review)
        for (String[] typo : new String[][]{{"epochs", "training.epochs"}, {"batch-size", "training.batch_size"},
                {"Learning_Rate", "training.updater.learning_rate"}, {"TRAINING.EPOCHS", "training.epochs"},
                {"train.epochs", "training.epochs"}, {"check.every", "checkpoint.every"}, {"trainer.epochs", "training.epochs"},
                {"chekpiont.every", "checkpoint.every"}}) {
            // a typo let through trains: into the test's folder, not the clone's models/ (it once replaced models/two-layer)
            String err = with("output.dir", tmp.resolve("out").toString(), () -> with(typo[0], "1", () -> run(2)));
            assertTrue(err.startsWith("error: -D" + typo[0] + " is not a property mnist-fcn reads; did you mean -D"
                    + typo[1]), err);
        }
        assertEquals("", with("user.dir", System.getProperty("user.dir"), () -> run(0, "--version")), "the JVM's own");
        // a near miss of one the CLI reads is that one (-Dengine was "did you mean -Dtraining.engine"), a section alone
        // is said to be one (-Doutput was "did you mean -Dmodel.output", the number of classes)
        String engine = with("engine", "dl4j,fused", () -> run(2));
        assertTrue(engine.startsWith("error: -Dengine is not a property mnist-fcn reads; did you mean -Dengines?"), engine);
        String output = with("output", "x", () -> run(2));
        assertTrue(output.startsWith("error: -Doutput names a config section, not a key: override its keys by their "
                + "dotted path (e.g. -Doutput.dir=DIR"), output);
        // -Dmodel evaluated, ignoring -Dconfig; -Dwalkthrough alone ignored -Dconfig ("Config file 'true' not found")
        String both = with("model", "models/x/model.zip", () -> with("config", "one-layer.yaml", () -> run(2)));
        assertTrue(both.startsWith("error: -Dmodel evaluates a saved model, and -Dconfig trains one"), both);
        String walk = with("walkthrough", "true", () -> with("config", "no-such-config.yaml", () -> run(2)));
        assertTrue(walk.contains("no-such-config.yaml") && !walk.contains("'true'"), walk);
        for (String[] empty : new String[][]{{"export", "pom.xml", "--out", ""}, {"compare", "config/one-layer.yaml",
                "--out", ""}}) {
            String err = run(2, empty);
            assertTrue(err.contains("is empty (''). Give a folder"), err); // it wrote into the current folder
        }
        // an --out that cannot be written was found after every run had trained (a disk review)
        String unwritable = run(2, "compare", "config/one-layer.yaml", "--out", "pom.xml/report");
        assertTrue(unwritable.startsWith("error: Cannot write the comparison's report to pom.xml/report (")
                && unwritable.contains("nothing was trained"), unwritable);
        // One edit from a section but no config key there: someone else's property (it suggested -Ddata.format).
        assertEquals("", with("date.format", "x", () -> run(0, "--version")));
        assertEquals(2, CliProperties.edits("test", "host"), "-Dtest (Surefire's) is two edits from -Dhost: left alone");
        assertEquals(1, CliProperties.edits("modle", "model"), "a swap is one edit");
        for (String none : new String[]{"", ",", " , "}) {
            String err = with("compare", none, () -> run(2));
            assertTrue(err.startsWith("error: No config to compare: -Dcompare names none."), err);
        }
        String two = with("predict", "docs/samples", () -> with("compare", "one-layer.yaml", () -> run(2)));
        assertEquals("error: -Dpredict and -Dcompare name 2 commands; give one at a time.", two.strip());
        for (String none : new String[]{"", ","}) {
            String engines = run(2, "compare", "config/one-layer.yaml", "--engines", none, "--out", tmp.resolve("out").toString());
            assertTrue(engines.startsWith("error: --engines (-Dengines) names no engine."), engines);
        }
        String sameTwice = run(2, "compare", "config/one-layer.yaml", "--engines", "dl4j,DL4J", "--out",
                tmp.resolve("out").toString()); // words take any case: DL4J is dl4j (a review: it trained both)
        assertTrue(sameTwice.startsWith("error: --engines (-Dengines) lists dl4j twice"), sameTwice);
        assertNothingWritten();
    }

    /** export read no -Dinput.scale; a bad one is named as the property, not as the option it was not given as. */
    @Test
    void aBadInputScalePropertyIsNamedAsGivenByEveryCommandThatReadsIt() throws Exception {
        for (String command : new String[]{"export", "evaluate", "predict"}) {
            String err = with("input.scale", "0..100", () -> run(2, command, "--model", "pom.xml", "pom.xml"));
            assertTrue(err.startsWith("error: -Dinput.scale is '0..100', which is not an input scale."), command + ": " + err);
        }
        assertNothingWritten();
    }

    @Test
    void emptyConfigPropertySaysWhatToGive() throws Exception {
        String err = with("config", "", () -> run(2, "train"));
        assertTrue(err.startsWith("error: The config name is empty (''). Give a path to a YAML file, or the name of one "
                + "in config/: ") && err.contains("one-layer.yaml, ") && err.contains("two-layer.yaml (e.g."), err);
    }

    @Test
    void refusedOverrideWritesNothing() throws Exception {
        for (String bad : new String[]{"training.epochs=1.5", "name=run #1", "seed=0x10", "data.validation_size=60000"}) {
            String err = run(2, "train", "-c", "config/two-layer.yaml", "--set", "output.dir=" + tmp.resolve("out"),
                    "--set", "data.dir=" + tmp.resolve("data"), "--set", bad);
            assertTrue(err.startsWith("error: config/two-layer.yaml with overrides"), err);
            assertEquals(1, err.strip().lines().count(), err);
        }
        assertNothingWritten();
    }

    private void assertNothingWritten() throws Exception {
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count(), "nothing written under " + tmp);
        }
    }

    /** Runs the CLI, asserts its exit code and returns what it printed on stderr. */
    private static String run(int expectedCode, String... args) {
        var err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(expectedCode, code, err.toString());
        assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
        return err.toString();
    }

    /**
     * bash leaves the tilde in {@code -Dmodel=~/m.zip} as it is: the path properties read it as the home folder, as
     * a shell would, so that {@code mvn exec:java -Dmodel=~/Downloads/model.zip} finds the file (it looked for
     * ./~/Downloads/model.zip); {@code ~user} and a tilde inside a path are left alone.
     */
    @Test
    void pathPropertiesReadATildeAsTheHomeFolder() throws Exception {
        String home = dev.mnistfcn.config.HomeFolder.home();
        assertEquals(home + "/runs/model.zip", with("model", "~/runs/model.zip",
                CommandDefaults::modelFromProperty).toString());
        assertEquals(home, CliProperties.path("runs", "~"));
        assertEquals("~bob/x", with("sweep", "~bob/x", () -> CliProperties.path("sweep", null)));
        assertEquals("a/~/b", with("model", "a/~/b", () -> CliProperties.path("model", null)));
        assertEquals(null, with("model", null, () -> CliProperties.path("model", null)));
        // -Dpredict's list: each path of it.
        assertEquals(java.util.List.of(Path.of("docs/samples"), Path.of(home, "pen.jpg")),
                with("predict", "docs/samples, ~/pen.jpg", () -> new PredictCommand().inputs()));
    }

    /** Calls {@code body} with a system property set (or cleared), restoring it afterwards. */
    private static <T> T with(String key, String value, Callable<T> body) throws Exception {
        String old = System.getProperty(key);
        try {
            if (value == null) System.clearProperty(key);
            else System.setProperty(key, value);
            return body.call();
        } finally {
            if (old == null) System.clearProperty(key);
            else System.setProperty(key, old);
        }
    }
}
