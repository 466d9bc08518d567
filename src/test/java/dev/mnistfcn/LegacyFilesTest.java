package dev.mnistfcn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.cli.Main;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.job.Resume;
import dev.mnistfcn.job.TrainingJob;
import dev.mnistfcn.predict.DigitClassifier;
import dev.mnistfcn.report.RunEvents;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.serve.DigitServer;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.ModelMetadata;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files written before the provenance record (issue 28) keep working: a real run's files from main at b064e9a
 * (test resource {@code legacy-run/}, its README says how they were made) read into today's records, served,
 * inspected, listed on the runs page and resumed.
 */
class LegacyFilesTest {
    private static final double RECORDED_TEST_ACCURACY = 0.7324;

    static Path legacyRun() {
        try {
            return Path.of(LegacyFilesTest.class.getResource("/dev/mnistfcn/legacy-run").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void oldModelZipReadsIntoAProvenanceOfWhatItRecorded() throws IOException {
        ModelMetadata meta = ModelFiles.load(legacyRun().resolve("model.zip"), true).metadata().orElseThrow();
        ModelProvenance p = meta.provenance();
        assertEquals("legacy", p.run());
        assertEquals(2, meta.epoch());
        assertEquals(2, meta.history().size());
        assertEquals(RECORDED_TEST_ACCURACY, meta.testAccuracy(), 1e-4);
        assertEquals("mnist", meta.dataset());
        assertEquals(12345L, p.seed(), "read from the recorded config");
        String resolved = Files.readString(legacyRun().resolve("config.resolved.yaml"));
        assertEquals(resolved, p.config());
        assertEquals(ModelProvenance.sha256(resolved), p.configSha256());
        assertEquals(Map.of("deeplearning4j", "1.0.0-M2.1"), p.versions());
        assertTrue(p.trainedAt().startsWith("2026-12-05T"), p.trainedAt());
        assertNull(p.engine(), "not recorded in the old zip");
        assertNull(p.mnistFcn());
        assertTrue(p.lines().contains("  file checksums: not recorded"), p.lines().toString());
    }

    @Test
    void oldCheckpointReadsWithItsEpochAndHistory() {
        ModelMetadata meta = ModelFiles.load(legacyRun().resolve("checkpoints/epoch-01.zip"), true).metadata()
                .orElseThrow();
        assertEquals(1, meta.epoch());
        assertEquals(1, meta.history().size());
        assertNull(meta.testAccuracy());
    }

    @Test
    void oldMetricsJsonReadsIntoAProvenanceOfWhatItRecorded() throws IOException {
        RunMetrics m = RunMetrics.read(legacyRun().resolve("metrics.json"));
        ModelProvenance p = m.provenance();
        assertEquals("legacy", p.run());
        assertEquals("fused", p.engine());
        assertEquals(2, p.epochs());
        assertEquals(12345L, p.seed());
        assertEquals(new ModelProvenance.Data("mnist", null, 1000, 5000, 10_000), p.data());
        assertEquals(m.versions(), p.versions());
        assertEquals(ModelProvenance.sha256(Files.readString(legacyRun().resolve("config.resolved.yaml"))),
                p.configSha256(), "the config recorded in metrics.json is config.resolved.yaml's");
        assertNull(p.trainedAt());
        assertEquals(RECORDED_TEST_ACCURACY, m.test().accuracy(), 1e-4);
        // Written again, it is today's metrics.json: the old fields where they were, the provenance added.
        JsonNode again = Json.MAPPER.readTree(m.toJson());
        JsonNode old = Json.MAPPER.readTree(legacyRun().resolve("metrics.json").toFile());
        old.fieldNames().forEachRemaining(k -> assertEquals(old.get(k), again.get(k), k));
        assertEquals("legacy", again.get("provenance").get("run").asText());
    }

    /** The runs page reads an old run (no progress file) through its metrics.json: RunEvents.snapshot. */
    @Test
    void runsPageListsAnOldRun(@TempDir Path runs) throws IOException {
        Path run = copyOfLegacyRun(runs);
        JsonNode page = Json.MAPPER.readTree(RunEvents.now(run).orElseThrow());
        assertEquals("legacy", page.get("name").asText());
        assertEquals("finished", page.get("state").asText());
        assertEquals(2, page.get("history").size());
        assertEquals(RECORDED_TEST_ACCURACY, page.get("test_accuracy").asDouble(), 1e-4);
    }

    @Test
    void inspectAndTheServersApiModelShowAnOldZipsProvenance() throws Exception {
        Path zip = legacyRun().resolve("model.zip");
        var stdout = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"inspect", "--model", zip.toString()}, new PrintStream(stdout, true),
                System.err);
        assertEquals(0, code);
        String printed = stdout.toString();
        assertTrue(printed.contains("metadata: epoch 2, iteration 40, ") && printed.contains("test accuracy 73.24%"),
                printed);
        assertTrue(printed.contains("provenance:\n  run: legacy, 2 epochs, seed 12345, engine not recorded, saved 2026-12-05T"),
                printed);

        try (DigitServer server = DigitServer.start(DigitClassifier.load(zip, "auto"), "127.0.0.1", 0)) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    server.uri().resolve("/api/model")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            JsonNode model = Json.MAPPER.readTree(r.body());
            assertEquals(RECORDED_TEST_ACCURACY, model.get("test_accuracy").asDouble(), 1e-4);
            assertEquals("legacy", model.get("provenance").get("run").asText());
            assertEquals(ModelProvenance.sha256(Files.readString(legacyRun().resolve("config.resolved.yaml"))),
                    model.get("provenance").get("config_sha256").asText());
        }
    }

    /** An old run's checkpoint resumes: its epoch, history and recorded config read from the old metadata. */
    @Test
    @Tag("slow") // trains an epoch on real MNIST (docs/tests.md#test-tiers)
    void oldCheckpointResumes(@TempDir Path runs) throws IOException {
        Path run = copyOfLegacyRun(runs);
        Files.delete(run.resolve("model.zip"));
        Files.delete(run.resolve("metrics.json"));
        ExperimentConfig config = ConfigLoader.load(run.resolve("config.resolved.yaml"), Map.of(
                "data.dir", TestData.mnistDir().toString(), "output.dir", runs.toString()));
        var console = new ByteArrayOutputStream();
        RunMetrics m = new TrainingJob(config, new PrintStream(console), false).run(Resume.TRUE);
        assertTrue(console.toString().contains("Resuming 'legacy' from " + run.resolve("checkpoints/epoch-01.zip")
                + ": epoch 1 of 2 done"), console.toString());
        assertEquals(2, m.history().size());
        assertEquals(2, m.provenance().epochs());
        assertEquals(m.provenance(), ModelFiles.load(run.resolve("model.zip"), false).metadata().orElseThrow()
                .provenance(), "the resumed run's model.zip is in today's form");
    }

    private static Path copyOfLegacyRun(Path parent) throws IOException {
        Path run = parent.resolve("legacy");
        Files.createDirectories(run.resolve("checkpoints"));
        for (String f : new String[]{"model.zip", "metrics.json", "config.resolved.yaml", "report.md",
                "checkpoints/epoch-01.zip"}) {
            Files.copy(legacyRun().resolve(f), run.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        return run;
    }
}
