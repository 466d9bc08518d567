package dev.mnistfcn.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.Json;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.storage.RunProgress;
import dev.mnistfcn.storage.SweepProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runs page's data: runs, sweep trials and reports under an output folder; one run's live events. */
class RunsOverviewTest {
    @TempDir
    Path models;

    private static EpochStats epoch(int n) {
        return new EpochStats(n, 0.5 / n, 0.6 / n, 0.9 + n / 100.0, 1.0, 0.2, 55_000);
    }

    private RunProgress start(Path dir, String name, int epochs, int done) {
        List<EpochStats> history = java.util.stream.IntStream.rangeClosed(1, done).mapToObj(RunsOverviewTest::epoch).toList();
        return RunProgress.start(dir, new RunProgress.Started(name, "784-256-10", epochs, 50, "fused", "adam lr 0.01",
                RunProgress.pid(), RunProgress.host(), Instant.now().toString()), history);
    }

    @Test
    void listsRunsTrialsAndReports() throws Exception {
        start(models.resolve("one-layer"), "one-layer", 20, 3);
        RunProgress done = start(models.resolve("mnist-small").resolve("t01-seed12345"), "t01-seed12345", 2, 2);
        done.finished(new RunProgress.Finished(0.95, null, Instant.now().toString()));
        Files.writeString(models.resolve("mnist-small").resolve("report.html"), "<html></html>");
        Files.createDirectories(models.resolve("compare"));
        Files.writeString(models.resolve("compare").resolve("report.html"), "<html></html>");
        Files.createDirectories(models.resolve("one-layer").resolve(".previous"));
        Files.createDirectories(models.resolve("empty"));

        RunsOverview.Overview o = RunsOverview.scan(models);
        assertEquals(List.of("mnist-small/t01-seed12345", "one-layer"), o.runs().stream().map(RunsOverview.Run::path).sorted().toList());
        RunsOverview.Run running = o.runs().stream().filter(r -> r.name().equals("one-layer")).findFirst().orElseThrow();
        assertEquals("running", running.state());
        assertEquals(3, running.epoch());
        assertEquals(20, running.epochs());
        assertEquals(0.93, running.validationAccuracy(), 1e-12);
        RunsOverview.Run trial = o.runs().stream().filter(r -> r.group() != null).findFirst().orElseThrow();
        assertEquals("mnist-small", trial.group());
        assertEquals("finished", trial.state());
        assertEquals(0.95, trial.testAccuracy());
        assertEquals(List.of("compare:compare", "mnist-small:sweep"),
                o.reports().stream().map(r -> r.path() + ":" + r.kind()).sorted().toList());
        JsonNode json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(o));
        assertTrue(json.path("runs").get(0).has("validation_accuracy"), json.toString());
    }

    @Test
    void findAcceptsRunPathsOnly() throws Exception {
        start(models.resolve("one-layer"), "one-layer", 20, 1);
        start(models.resolve("sweep").resolve("t01"), "t01", 20, 1);
        assertTrue(RunsOverview.find(models, "one-layer").isPresent());
        assertTrue(RunsOverview.find(models, "sweep/t01").isPresent());
        for (String hostile : List.of("", ".", "..", "../one-layer", "one-layer/..", "one-layer/.previous", "/etc",
                "sweep/t01/x", "sweep", "one-layer%2f..", "missing", "sweep//t01")) {
            assertFalse(RunsOverview.find(models, hostile).isPresent(), hostile);
        }
    }

    /**
     * Folders a URL cannot reach are not listed (a space or '#' in the name: their links 404'd), and a link to a
     * folder elsewhere is neither listed nor served, on either level.
     */
    @Test
    void onlyFoldersAUrlReachesAreListedAndNoLinkIsFollowed(@TempDir Path elsewhere) throws Exception {
        start(models.resolve("my run"), "my run", 2, 1);
        start(models.resolve("a#b"), "a#b", 2, 1);
        start(models.resolve("fine"), "fine", 2, 1);
        start(elsewhere.resolve("outside"), "outside", 2, 1);
        Files.writeString(elsewhere.resolve("report.html"), "<p>outside</p>");
        Files.createSymbolicLink(models.resolve("lnk"), elsewhere);
        Files.createSymbolicLink(models.resolve("run-link"), elsewhere.resolve("outside"));
        assertEquals(List.of("fine"), RunsOverview.scan(models).runs().stream().map(RunsOverview.Run::path).toList());
        assertEquals(List.of(), RunsOverview.scan(models).reports());
        for (String linked : List.of("lnk/outside", "run-link")) {
            assertFalse(RunsOverview.find(models, linked).isPresent(), linked);
        }
        assertFalse(RunsOverview.folder(models, "lnk").isPresent(), "the report of lnk/report.html is not served");
        assertTrue(RunsOverview.folder(models, "fine").isPresent());
        // A report.html that is a link is not served, so the list does not offer it either.
        Files.createSymbolicLink(models.resolve("fine").resolve("report.html"), elsewhere.resolve("report.html"));
        assertFalse(RunsOverview.scan(models).runs().get(0).hasReport(), "a linked report.html is no report");
    }

    @Test
    void eventsFollowTheRunThenEndWithItsState() throws Exception {
        Path dir = models.resolve("live");
        RunProgress p = start(dir, "live", 4, 1);
        RunEvents events = new RunEvents(dir);
        List<String> first = events.poll();
        assertEquals(1, first.size());
        assertEquals(1, Json.MAPPER.readTree(first.get(0)).path("epoch").asInt());
        assertEquals(List.of(), events.poll(), "nothing new");
        p.epoch(epoch(2));
        p.epoch(epoch(3));
        List<String> two = events.poll();
        assertEquals(List.of(2, 3), two.stream().map(e -> readEpoch(e)).toList());
        assertFalse(events.ended());
        JsonNode now = Json.MAPPER.readTree(RunEvents.now(dir).orElseThrow());
        assertEquals("running", now.path("state").asText());
        assertEquals(3, now.path("history").size());
        assertEquals(1.2, now.path("eta_seconds").asDouble(), 1e-9, "one epoch left at 1.2 s each");
        p.epoch(epoch(4));
        p.finished(new RunProgress.Finished(0.97, null, Instant.now().toString()));
        List<String> last = events.poll();
        assertEquals(2, last.size());
        JsonNode end = Json.MAPPER.readTree(last.get(1));
        assertEquals("finished", end.path("state").asText());
        assertEquals(0.97, end.path("test_accuracy").asDouble());
        assertTrue(events.ended());
        assertEquals(List.of(), events.poll());
    }

    /**
     * A stream reads the progress file again only when it changed (every open stream polled it whole four times a
     * second); a run whose process ends while the file stays as it was still ends its stream, as interrupted.
     */
    @Test
    void aStreamSeesTheRunEndWithoutTheFileChanging() throws Exception {
        Process trainer = new ProcessBuilder("sleep", "60").start();
        try {
            Path dir = models.resolve("killed");
            Instant before = trainer.info().startInstant().orElseThrow().plusSeconds(1);
            RunProgress.start(dir, new RunProgress.Started("killed", "784-256-10", 4, 50, "fused", "adam lr 0.01",
                    trainer.pid(), RunProgress.host(), before.toString()), List.of(epoch(1), epoch(2)));
            RunEvents events = new RunEvents(dir);
            assertEquals(List.of(1, 2), events.poll().stream().map(e -> readEpoch(e)).toList());
            Object version = RunProgress.version(dir).orElseThrow();
            assertEquals(List.of(), events.poll(), "nothing new");
            trainer.destroyForcibly().waitFor();
            List<String> last = events.poll();
            assertEquals(version, RunProgress.version(dir).orElseThrow(), "the file did not change");
            assertEquals(1, last.size(), last.toString());
            assertEquals("interrupted", Json.MAPPER.readTree(last.get(0)).path("state").asText());
            assertTrue(events.ended());
        } finally {
            trainer.destroyForcibly();
        }
    }

    /**
     * A run trained before progress files existed: only metrics.json (as RunOutputs writes it, from a real config)
     * and its report. Listed as finished with its figures; its page and event stream read the same file.
     */
    @Test
    void anOldRunWithOnlyMetricsJsonIsListedAsFinished() throws Exception {
        Path dir = models.resolve("old-run");
        Files.createDirectories(dir);
        ExperimentConfig config = ConfigLoader.load(Path.of("config/one-layer.yaml"), Map.of("name", "old-run",
                "training.epochs", "3", "model.hidden[0].dropout", "0.2")); // a setting beyond the tutorial's
        var test = new TestMetrics(0.9712, 0.97, 0.97, 0.97, 0.1, 10_000, 0.5, List.of(), new int[10][10]);
        var metrics = new RunMetrics("old-run", "784-256-10", 203_530, "dl4j", config, List.of(epoch(1), epoch(2),
                epoch(3)), test, Map.of(), Map.of(), null);
        Files.writeString(dir.resolve("metrics.json"), metrics.toJson());
        Files.writeString(dir.resolve("report.html"), "<html></html>");
        assertFalse(Files.exists(dir.resolve(RunProgress.FILE)));

        RunsOverview.Run run = RunsOverview.scan(models).runs().stream().filter(r -> r.path().equals("old-run"))
                .findFirst().orElseThrow();
        assertEquals("finished", run.state());
        assertEquals(3, run.epoch());
        assertEquals(3, run.epochs());
        assertEquals(0.93, run.validationAccuracy(), 1e-12, "the last epoch's");
        assertEquals(0.9712, run.testAccuracy(), 1e-12);
        assertEquals("dl4j", run.engine());
        assertEquals("784-256-10", run.architecture());
        // The whole settings line, as for a run followed live (it named only the optimiser).
        assertEquals("adam lr 0.01; dropout: hidden 0.2", run.settings());
        assertTrue(run.hasReport());
        assertTrue(RunsOverview.find(models, "old-run").isPresent());

        JsonNode now = Json.MAPPER.readTree(RunEvents.now(dir).orElseThrow());
        assertEquals("finished", now.path("state").asText());
        assertEquals(3, now.path("history").size());
        assertFalse(now.has("eta_seconds"));
        // Its event stream ends at once: its epochs, then the finished state (it does not wait for a progress file).
        RunEvents events = new RunEvents(dir);
        List<String> all = events.poll();
        assertEquals(4, all.size(), all.toString());
        assertEquals("finished", Json.MAPPER.readTree(all.get(3)).path("state").asText());
        assertTrue(events.ended());

        // Far larger than a run's, or a link: not loaded (the server reads these for its pages).
        try (var f = new java.io.RandomAccessFile(dir.resolve("metrics.json").toFile(), "rw")) {
            f.setLength(RunEvents.MAX_METRICS_BYTES + 1); // sparse: nothing written to disk
        }
        assertTrue(RunEvents.now(dir).isEmpty());
        // Damaged (cut short by hand, say): still listed, as unreadable, rather than gone from the page without a word.
        Files.writeString(dir.resolve("metrics.json"), metrics.toJson().substring(0, 40));
        assertTrue(RunEvents.now(dir).isEmpty(), "its page gets the 404 that names the files");
        RunsOverview.Run damaged = RunsOverview.scan(models).runs().stream().filter(r -> r.path().equals("old-run"))
                .findFirst().orElseThrow();
        assertEquals(new RunsOverview.Run("old-run", "old-run", null, RunsOverview.UNREADABLE, 0, 0, null, null, null,
                null, null, null, damaged.updated(), true), damaged);
        Path real = Files.writeString(models.resolve("elsewhere.json"), metrics.toJson());
        Files.delete(dir.resolve("metrics.json"));
        Files.createSymbolicLink(dir.resolve("metrics.json"), real);
        assertTrue(RunEvents.now(dir).isEmpty());
    }

    /** A sweep with a status file is listed as a sweep (its trials still as runs), found by its name only. */
    @Test
    void aSweepIsListedAndFollowedWhole() throws Exception {
        Path folder = models.resolve("lr");
        SweepProgress p = SweepProgress.start(folder, "lr", "lr.yaml", "two-layer.yaml", "grid", "val_accuracy", 1,
                List.of("training.updater.learning_rate"), List.of(2), List.of(
                        new SweepProgress.Trial("t01", Map.of("training.updater.learning_rate", "0.001"), Map.of()),
                        new SweepProgress.Trial("t02", Map.of("training.updater.learning_rate", "0.01"), Map.of())));
        p.round(new SweepProgress.Round(1, 2, List.of("t01", "t02"), List.of("t01-seed1", "t02-seed1"), null));
        start(folder.resolve("t01-seed1"), "t01-seed1", 2, 1); // training now, in this process
        SweepEvents events = new SweepEvents(folder);
        JsonNode first = Json.MAPPER.readTree(events.poll().get(0));
        assertEquals("sweep", first.path("kind").asText());
        assertEquals("running", first.path("state").asText());
        assertEquals("t01-seed1", first.path("training").get(0).path("run").asText(), "a run of the round, training");
        assertEquals(1, first.path("training").get(0).path("epoch").asInt());
        assertFalse(first.has("pid"), "the process is the server's business, not the page's");
        assertEquals(List.of(), events.poll(), "nothing changed");

        p.ended(new SweepProgress.RunEnded("t02-seed1", "t02", 1, 2, "trained", 0.95, 0.94, null, "now"),
                List.of(new SweepProgress.Standing("t02", 2, 0.95, 0, 0.94, 1)));
        JsonNode second = Json.MAPPER.readTree(events.poll().get(0));
        assertEquals("t02", second.path("best").path("trial").asText());
        assertFalse(events.ended());

        RunsOverview.Overview o = RunsOverview.scan(models);
        RunsOverview.Sweep sweep = o.sweeps().get(0);
        assertEquals(List.of("lr", "running", "t02", "1/1", "1"), List.of(sweep.path(), sweep.state(), sweep.bestTrial(),
                sweep.round() + "/" + sweep.rounds(), String.valueOf(sweep.runsEnded())));
        assertEquals(List.of("lr/t01-seed1"), o.runs().stream().map(RunsOverview.Run::path).toList());
        assertEquals(List.of(), o.reports(), "a sweep with a status file is not listed again as a report");

        p.finished(List.of(new SweepProgress.Standing("t02", 2, 0.95, 0, 0.94, 1)));
        List<String> last = events.poll();
        assertEquals("finished", Json.MAPPER.readTree(last.get(0)).path("state").asText());
        assertEquals(0, Json.MAPPER.readTree(last.get(0)).path("training").size(), "nothing trains in a finished sweep");
        assertTrue(events.ended());
        assertEquals(List.of(), events.poll());

        assertTrue(RunsOverview.findSweep(models, "lr").isPresent());
        for (String hostile : List.of("", ".", "..", "../lr", "lr/..", "lr/t01-seed1", "/etc", "missing", "lr/", ".lr")) {
            assertFalse(RunsOverview.findSweep(models, hostile).isPresent(), hostile);
        }
        assertFalse(RunsOverview.find(models, "lr").isPresent(), "a sweep is no run");
    }

    private static int readEpoch(String json) {
        try {
            return Json.MAPPER.readTree(json).path("epoch").asInt();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
