package dev.mnistfcn.job;

import dev.mnistfcn.TestData;
import dev.mnistfcn.UserError;
import dev.mnistfcn.storage.RunFolder;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real (small) comparison: trains once, reuses on the second call, writes a self-contained report. */
@Tag("slow") // trains and compares configs on real MNIST (docs/tests.md#test-tiers)
class CompareJobTest {
    @TempDir
    Path out;

    @Test
    void secondCompareTrainsNothingAndTheReportIsSelfContained() throws Exception {
        Map<String, String> small = Map.of("training.epochs", "1", "data.train_limit", "1000",
                "data.dir", TestData.mnistDir().toString(), "output.dir", out.resolve("runs").toString());
        List<Path> configs = List.of(Path.of("config/one-layer.yaml"), Path.of("config/two-layer.yaml"));
        var job = new CompareJob(new PrintStream(new ByteArrayOutputStream()), false);

        var first = job.run(configs, small, 2, out.resolve("report"));
        assertEquals(List.of("one-layer-seed12345", "one-layer-seed12346", "two-layer-seed12345", "two-layer-seed12346"),
                first.trained());
        assertEquals(List.of(), first.reused());

        var second = job.run(configs, small, 2, out.resolve("report"));
        assertEquals(List.of(), second.trained(), "nothing retrained");
        assertEquals(first.trained(), second.reused());
        assertEquals(first.results().get(1).testAccuracyMean(), second.results().get(1).testAccuracyMean());

        // A changed config is not mistaken for the old one.
        var changed = job.run(configs.subList(0, 1), Map.of("training.epochs", "1", "data.train_limit", "1000",
                "data.dir", TestData.mnistDir().toString(), "output.dir", out.resolve("runs").toString(),
                "training.updater.learning_rate", "0.001"), 1, out.resolve("report2"));
        assertEquals(List.of("one-layer-seed12345"), changed.trained());

        String html = Files.readString(second.html());
        Document doc = Jsoup.parse(html);
        assertEquals(2, doc.select("section.config").size());
        assertEquals(2, doc.select("svg.loss-curve").size(), "one loss chart per config");
        assertEquals(2, doc.select("svg.acc-curve").size(), "one accuracy chart per config");
        assertEquals(2, doc.select("svg.heatmap").size(), "one confusion heat map per config");
        assertEquals(1, doc.select("table.compare").size());
        assertEquals(3, doc.select("table.compare tr").size());
        assertEquals(2, doc.select("svg.bars").size());
        for (var gallery : doc.select("section.gallery")) {
            assertEquals(32, gallery.select("figure.mistake img[src^=data:image/png;base64,]").size());
            assertTrue(gallery.select("figcaption").first().text().matches("true \\d → \\d \\d+\\.\\d% · #\\d+"),
                    gallery.select("figcaption").first().text());
        }
        assertFalse(html.contains("http:") || html.contains("https:") || html.contains("//cdn"), "no external reference");
        assertTrue(doc.select("script, link, iframe").isEmpty());
        assertTrue(doc.select("ul.noise li").first().text().contains("seed"), doc.select("ul.noise").text());
        String md = Files.readString(second.markdown());
        assertTrue(md.contains("| config | hidden layers | parameters |"));
        // the mistakes listed under a confusion matrix summed over seeds are the first seed's, and say so (a review)
        assertTrue(md.contains("\nMost confident mistakes of the first seed (test index:"), md);
    }

    /** Seed + 1 past the largest seed wrapped to the most negative one, and a run was named for it. */
    @Test
    void seedsPastTheLargestAreRefused() {
        var job = new CompareJob(new PrintStream(new ByteArrayOutputStream()), false);
        UserError e = assertThrows(UserError.class, () -> job.run(List.of(Path.of("config/one-layer.yaml")),
                Map.of("output.dir", out.resolve("runs").toString(), "seed", Long.toString(Long.MAX_VALUE)), 2,
                out.resolve("report")));
        assertTrue(e.getMessage().startsWith("Config 'one-layer' has seed 9223372036854775807: its 2 runs (seed, seed + 1, "
                + "…) would pass the largest seed"), e.getMessage());
        assertFalse(Files.exists(out.resolve("runs")), "nothing trained");
    }

    /** A run that fails (here it diverges) stops the comparison naming the run: it said only the epoch (a review). */
    @Test
    void aFailingRunIsNamed() {
        var job = new CompareJob(new PrintStream(new ByteArrayOutputStream()), false);
        UserError e = assertThrows(UserError.class, () -> job.run(List.of(Path.of("config/two-layer.yaml")),
                Map.of("training.epochs", "1", "data.train_limit", "500", "data.dir", TestData.mnistDir().toString(),
                        "output.dir", out.resolve("runs").toString(), "training.updater.type", "sgd",
                        "training.updater.learning_rate", "1000000"), 1, out.resolve("report")));
        assertTrue(e.getMessage().startsWith("compare: run 'two-layer-seed12345' (config two-layer, seed 12345) failed, "
                + "so the comparison stops;") && e.getMessage().contains("Training diverged in epoch 1 of 1"), e.getMessage());
    }

    /** --out naming a run's folder would have replaced the run's report.html: refused before anything trains. */
    @Test
    void aRunsFolderIsNoReportFolder() throws Exception {
        Path run = out.resolve("runs").resolve("two-layer");
        Files.createDirectories(run);
        Files.writeString(run.resolve("metrics.json"), "{}");
        Files.writeString(run.resolve("report.html"), "the run's report");
        var job = new CompareJob(new PrintStream(new ByteArrayOutputStream()), false);
        UserError e = assertThrows(UserError.class, () -> job.run(List.of(Path.of("config/one-layer.yaml")),
                Map.of("output.dir", out.resolve("runs").toString()), 1, run));
        assertEquals("The report folder " + run + " is a run's or sweep's folder: the comparison's report.html and "
                + "report.md would replace its own. Give another --out (default: models/compare).", e.getMessage());
        assertEquals("the run's report", Files.readString(run.resolve("report.html")));
        // A CLI review: inside a run's folder (its checkpoints/), where its next fresh start moved the report aside
        Files.writeString(run.resolve(".lock"), "");
        UserError inside = assertThrows(UserError.class, () -> job.run(List.of(Path.of("config/one-layer.yaml")),
                Map.of("output.dir", out.resolve("runs").toString()), 1, run.resolve("checkpoints")));
        assertTrue(inside.getMessage().startsWith("The report folder " + run.resolve("checkpoints") + " is inside the "
                + "run folder " + run.toRealPath() + ", in a part a fresh start of that run moves aside or deletes"),
                inside.getMessage());
        // ... but a folder of the user's inside a run's stays through fresh starts: accepted (a review found it refused)
        assertTrue(RunFolder.enclosingRun(run.resolve("mine")).isEmpty());
        assertTrue(RunFolder.enclosingRun(run.resolve(".previous").resolve("x")).isPresent());
        Path homeLike = Files.createDirectories(out.resolve("home"));
        Files.writeString(homeLike.resolve("model.zip"), "someone's");
        assertTrue(RunFolder.enclosingRun(homeLike).isEmpty(), "a folder with a model.zip in it is no run's");
        assertFalse(Files.exists(out.resolve("runs").resolve("one-layer-seed12345")), "nothing trained");
        // --out naming a file stopped the comparison only at its report, after training every run, with a stack trace.
        UserError file = assertThrows(UserError.class, () -> job.run(List.of(Path.of("config/one-layer.yaml")),
                Map.of("output.dir", out.resolve("runs").toString()), 1, run.resolve("metrics.json")));
        assertEquals("The report folder (--out) " + run.resolve("metrics.json") + " is a file, not a folder. Give a "
                + "folder (it is made if missing).", file.getMessage());
        assertFalse(Files.exists(out.resolve("runs").resolve("one-layer-seed12345")), "nothing trained");
    }

    /**
     * Two configs of one name shared their runs' folders: the second trained into the first's, moving its runs aside,
     * and the report showed two rows both called two-layer. Refused before anything trains, as is one config twice.
     */
    @Test
    void configsOfOneNameAreRefusedBeforeTraining() throws Exception {
        Path other = out.resolve("elsewhere").resolve("two-layer.yaml");
        Files.createDirectories(other.getParent());
        Files.writeString(other, Files.readString(Path.of("config/two-layer.yaml")).replace("learning_rate: 0.01",
                "learning_rate: 0.001"));
        Map<String, String> runs = Map.of("output.dir", out.resolve("runs").toString());
        var job = new CompareJob(new PrintStream(new ByteArrayOutputStream()), false);
        Path shipped = Path.of("config/two-layer.yaml");
        UserError named = assertThrows(UserError.class, () -> job.run(List.of(shipped, other), runs, 1, out.resolve("r")));
        assertTrue(named.getMessage().startsWith("Configs " + shipped + " and " + other + " are both named 'two-layer': "),
                named.getMessage());
        UserError twice = assertThrows(UserError.class, () -> job.run(List.of(shipped, shipped), runs, 1, out.resolve("r")));
        assertTrue(twice.getMessage().startsWith("Config " + shipped + " is given twice"), twice.getMessage());
        var renamed = new java.util.HashMap<>(runs);
        renamed.put("name", "one-name"); // --set name=… names every config alike
        UserError all = assertThrows(UserError.class, () -> job.run(List.of(Path.of("config/one-layer.yaml"), shipped),
                renamed, 1, out.resolve("r")));
        assertTrue(all.getMessage().contains("are both named 'one-name'"), all.getMessage());
        // An engine listed twice; an engine that cannot train a config (found after the runs before it had trained);
        // a report folder inside one of the comparison's own runs; a name the seed makes too long.
        UserError engineTwice = assertThrows(UserError.class, () -> job.run(List.of(shipped), runs, List.of("dl4j", "dl4j"),
                1, out.resolve("r")));
        assertTrue(engineTwice.getMessage().startsWith("--engines (-Dengines) lists dl4j twice"), engineTwice.getMessage());
        UserError auto = assertThrows(UserError.class, () -> job.run(List.of(shipped), runs, List.of("auto", "fused"),
                1, out.resolve("r")));  // auto is fused here: two rows of the same runs (a review)
        assertTrue(auto.getMessage().startsWith("--engines (-Dengines) lists auto beside another engine"), auto.getMessage());
        var nesterovs = new java.util.HashMap<>(runs);
        nesterovs.put("training.updater.type", "nesterovs");
        UserError fused = assertThrows(UserError.class, () -> job.run(List.of(shipped), nesterovs, List.of("dl4j", "fused"),
                2, out.resolve("r")));
        assertTrue(fused.getMessage().contains("the fused engine cannot train this network"), fused.getMessage());
        Path inside = out.resolve("runs").resolve("two-layer-seed12346").resolve("report");
        UserError ownRun = assertThrows(UserError.class, () -> job.run(List.of(shipped), runs, 2, inside));
        assertTrue(ownRun.getMessage().contains("is inside the folder of the comparison's own run two-layer-seed12346, "
                + "which a fresh start of that run moves aside"), ownRun.getMessage()); // it said the report "would replace" it
        var longName = new java.util.HashMap<>(runs);
        longName.put("name", "n".repeat(120));
        UserError tooLong = assertThrows(UserError.class, () -> job.run(List.of(shipped), longName, 1, out.resolve("r")));
        assertTrue(tooLong.getMessage().startsWith("Compare would name a run 'nnn"), tooLong.getMessage());
        assertFalse(Files.exists(out.resolve("runs")), "nothing trained");
        // With --engines each config's runs are <name>-<engine>: two engines of one config do not collide.
        assertEquals(List.of("two-layer-dl4j-seed12345", "two-layer-fused-seed12345"), job.run(List.of(shipped),
                Map.of("output.dir", out.resolve("runs").toString(), "training.epochs", "1", "data.train_limit", "500",
                        "data.dir", TestData.mnistDir().toString()), List.of("dl4j", "fused"), 1, out.resolve("r")).trained());
    }
}
