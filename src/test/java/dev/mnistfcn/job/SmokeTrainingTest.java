package dev.mnistfcn.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.ModelProvenance;
import dev.mnistfcn.TestData;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.data.DatasetFiles;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.UserError;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.train.Trainer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real DL4J training on real MNIST, on a 5,000-image subset. */
@Tag("slow") // training runs on real MNIST (docs/tests.md#test-tiers)
class SmokeTrainingTest {

    @Test
    void twoEpochsOn5000ImagesReach90PercentAndWriteEveryOutput(@TempDir Path out) throws Exception {
        Path mnist = TestData.mnistDir();
        ExperimentConfig cfg = ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of(
                "training.epochs", "2", "data.train_limit", "5000", "data.dir", mnist.toString(),
                "output.dir", out.toString()));
        var console = new ByteArrayOutputStream();
        RunMetrics m = new TrainingJob(cfg, new PrintStream(console), true).run();

        assertEquals(2, m.history().size());
        EpochStats last = m.history().get(1);
        assertTrue(last.validationAccuracy() >= 0.90, "validation accuracy " + last.validationAccuracy());
        assertEquals(5000, last.examples());
        assertTrue(m.test().accuracy() >= 0.88, "test accuracy " + m.test().accuracy());
        assertEquals(10_000, m.test().examples());

        Path run = out.resolve("two-layer");
        MultiLayerNetwork saved = ModelSerializer.restoreMultiLayerNetwork(run.resolve("model.zip").toFile(), true);
        assertEquals(218_058, saved.numParams());
        assertTrue(saved.getUpdater().getStateViewArray() != null, "updater state saved");
        JsonNode json = dev.mnistfcn.Json.MAPPER.readTree(run.resolve("metrics.json").toFile());
        assertEquals(2, json.get("history").size());
        assertEquals(m.test().accuracy(), json.get("test").get("accuracy").asDouble(), 1e-12);
        assertEquals(218_058, json.get("parameters").asLong());
        assertEquals("1.0.0-M2.1", json.get("versions").get("deeplearning4j").asText());
        assertEquals(cfg, ConfigLoader.parse(Files.readString(run.resolve("config.resolved.yaml")), "resolved"));
        String report = Files.readString(run.resolve("report.md"));
        assertTrue(report.contains("Confusion matrix") && report.contains("| 9 |"), report);
        String printed = console.toString();
        assertTrue(printed.contains("epoch | train loss | val loss | val acc"), printed);
        assertTrue(printed.contains("2/2 |"), printed);
        try (var files = Files.list(run)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".tmp-")), "no temp files left");
        }
        provenanceIsOneRecordInZipMetricsAndReports(run, m);
        // issue 29: the run's phases in seconds since the command (here: this JVM) started, in the order they end
        List<String> phases = List.of("network", "data", "first_epoch", "training", "test", "model_saved", "reports");
        double before = 0;
        for (String phase : phases) {
            JsonNode at = json.get("timings").get("at_" + phase);
            assertTrue(at != null && at.asDouble() >= before, "timings.at_" + phase + " after the phase before: "
                    + json.get("timings"));
            before = at.asDouble();
        }
        assertTrue(json.get("timings").get("total_seconds").asDouble() > 0);
    }

    /** A second run in the same JVM (compare, sweeps, serve) has its own phases, not the first run's. */
    @Test
    void eachRunHasItsOwnTimeline(@TempDir Path out) {
        Path mnist = TestData.mnistDir();
        Map<String, String> set = Map.of("training.epochs", "1", "data.train_limit", "1000",
                "data.dir", mnist.toString(), "output.dir", out.toString(), "checkpoint.every", "0");
        var quiet = new PrintStream(new ByteArrayOutputStream());
        RunMetrics first = new TrainingJob(ConfigLoader.load(Path.of("config/one-layer.yaml"), set), quiet, false).run();
        RunMetrics second = new TrainingJob(ConfigLoader.load(Path.of("config/two-layer.yaml"), set), quiet, false).run();
        assertTrue(second.timings().get("at_network") > first.timings().get("at_reports"),
                first.timings() + " then " + second.timings());
    }

    /** Issue 28: model.zip and metrics.json carry the very same provenance, and both reports show it. */
    private static void provenanceIsOneRecordInZipMetricsAndReports(Path run, RunMetrics m) throws Exception {
        ModelProvenance p = m.provenance();
        assertEquals(p, ModelFiles.load(run.resolve("model.zip"), false).metadata().orElseThrow().provenance());
        assertEquals(p, RunMetrics.read(run.resolve("metrics.json")).provenance(), "metrics.json reads back the same");
        assertEquals("two-layer", p.run());
        assertEquals(2, p.epochs());
        assertEquals(12345L, p.seed());
        assertEquals("fused", p.engine());
        assertEquals(m.engine(), p.engine());
        assertEquals(m.versions(), p.versions());
        assertEquals(new ModelProvenance.Data("mnist", DatasetFiles.expected(Dataset.MNIST), 5000, 5000, 10_000), p.data());
        byte[] resolved = Files.readAllBytes(run.resolve("config.resolved.yaml"));
        assertEquals(new String(resolved, StandardCharsets.UTF_8), p.config());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(resolved)), p.configSha256(),
                "the hash is sha256sum config.resolved.yaml");
        assertEquals("0.1.0-SNAPSHOT", p.mnistFcn(), "pom.xml's version, through the filtered version.properties");
        assertTrue(p.cpu() != null && !p.cpu().isBlank(), p.cpu());
        assertTrue(Instant.parse(p.trainedAt()).isAfter(Instant.now().minusSeconds(600)), p.trainedAt());
        String md = Files.readString(run.resolve("report.md"));
        assertTrue(md.contains("## Provenance") && md.contains(String.join("\n", p.lines())), md);
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("<pre class=\"provenance\"") && html.contains("config: sha256 " + p.configSha256()), html);
    }

    @Test
    void sameSeedGivesIdenticalParameters() {
        Path mnist = TestData.mnistDir();
        ExperimentConfig cfg = ConfigLoader.load(Path.of("config/one-layer.yaml"), Map.of(
                "data.train_limit", "2000", "data.dir", mnist.toString(), "training.epochs", "1"));
        MnistSplits data = MnistSplits.load(cfg.data(), mnist);
        var a = train(cfg, data);
        var b = train(cfg, data);
        assertEquals(a.params(), b.params());
        var other = train(ConfigLoader.load(Path.of("config/one-layer.yaml"), Map.of(
                "data.train_limit", "2000", "data.dir", mnist.toString(), "seed", "99", "training.epochs", "1")), data);
        assertTrue(!a.params().equals(other.params()), "a different seed gives different parameters");
    }

    @Test
    void networksTheFusedStepDoesNotCoverTrainWithDl4jsFit(@TempDir Path out) {
        Path mnist = TestData.mnistDir();
        ExperimentConfig cfg = ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of(
                "training.epochs", "2", "data.train_limit", "2000", "data.dir", mnist.toString(),
                "output.dir", out.toString(), "model.hidden[0].activation", "elu", "checkpoint.every", "0"));
        var console = new ByteArrayOutputStream();
        RunMetrics m = new TrainingJob(cfg, new PrintStream(console), false).run();
        assertTrue(console.toString().contains("Engine: DL4J's fit and output (training.engine: auto; the fused engine "
                + "does not cover this network: layer 0 (DenseLayer) uses activation elu"), console.toString());
        assertEquals("dl4j", m.engine());
        assertEquals("dl4j", m.provenance().engine());
        assertTrue(m.history().get(1).trainLoss() < m.history().get(0).trainLoss(), "the loss falls");
        assertTrue(m.test().accuracy() >= 0.85, "test accuracy " + m.test().accuracy());
    }

    @Test
    void theDl4jEngineTrainsWithFitAndFusedIsRefusedWhereItDoesNotApply(@TempDir Path out) {
        Path mnist = TestData.mnistDir();
        Map<String, String> small = Map.of("training.epochs", "1", "data.train_limit", "2000",
                "data.dir", mnist.toString(), "output.dir", out.toString(), "checkpoint.every", "0",
                "training.engine", "dl4j");
        var console = new ByteArrayOutputStream();
        RunMetrics m = new TrainingJob(ConfigLoader.load(Path.of("config/two-layer.yaml"), small),
                new PrintStream(console), false).run();
        assertTrue(console.toString().contains("Engine: DL4J's fit and output (training.engine: dl4j)"), console.toString());
        assertEquals("dl4j", m.engine());
        assertEquals("dl4j", m.provenance().engine());
        assertTrue(m.test().accuracy() >= 0.85, "test accuracy " + m.test().accuracy());

        var elu = new java.util.HashMap<>(small);
        elu.put("training.engine", "fused");
        elu.put("model.hidden[0].activation", "elu");
        elu.put("output.dir", out.resolve("refused").toString());
        ExperimentConfig refused = ConfigLoader.load(Path.of("config/two-layer.yaml"), elu);
        UserError e = assertThrows(UserError.class,
                () -> new TrainingJob(refused, new PrintStream(new ByteArrayOutputStream()), false).run());
        assertTrue(e.getMessage().startsWith("config 'two-layer': training.engine is 'fused', but the fused engine cannot "
                + "train this network as DL4J does: layer 0 (DenseLayer) uses activation elu"), e.getMessage());
        assertFalse(Files.exists(out.resolve("refused")), "refused before anything is written");
    }

    private static MultiLayerNetwork train(ExperimentConfig cfg, MnistSplits data) {
        var job = new TrainingJob(cfg, new PrintStream(new ByteArrayOutputStream()), false);
        TrainingPlan start = job.start(Resume.FALSE);
        new Trainer(List.of()).train(start.step(), start.epochs(data));
        return start.net();
    }
}
