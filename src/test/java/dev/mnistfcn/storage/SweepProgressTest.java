package dev.mnistfcn.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mnistfcn.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sweep's status file: what its writer records, what a reader sees, and the state told by its process. */
class SweepProgressTest {
    @TempDir
    Path models;

    static SweepProgress start(Path folder) {
        return SweepProgress.start(folder, "lr", "lr.yaml", "config/two-layer.yaml", "grid", "val_accuracy", 1,
                List.of("model.hidden"), List.of(1, 2), List.of(
                        new SweepProgress.Trial("t01", Map.of("model.hidden", "[{units: 256}, {units: 64}]"), Map.of("model.hidden", "256-64")),
                        new SweepProgress.Trial("t02", Map.of("model.hidden", "[{units: 128}]"), Map.of("model.hidden", "128"))));
    }

    @Test
    void roundsRunsAndStandingsAreReadBackAsWritten() throws Exception {
        Path folder = models.resolve("lr");
        SweepProgress p = start(folder);
        SweepProgress.Snapshot s = SweepProgress.read(folder).orElseThrow();
        assertEquals(RunProgress.State.RUNNING, s.state(), "this process runs it");
        assertEquals(List.of(), s.status().rounds());
        assertEquals("256-64", s.status().trials().get(0).labels().get("model.hidden"));

        p.round(new SweepProgress.Round(1, 1, List.of("t01", "t02"), List.of("t01-seed1", "t02-seed1"), null));
        var standing = new SweepProgress.Standing("t02", 1, 0.91, 0.0, 0.905, 1);
        p.ended(new SweepProgress.RunEnded("t02-seed1", "t02", 1, 1, "trained", 0.91, 0.905, null, "now"), List.of(standing));
        p.ended(new SweepProgress.RunEnded("t01-seed1", "t01", 1, 1, "failed", null, null, "out of memory", "now"), List.of(standing));
        p.kept(List.of("t02"));
        p.round(new SweepProgress.Round(2, 2, List.of("t02"), List.of("t02-seed1"), null));
        s = SweepProgress.read(folder).orElseThrow();
        assertEquals(List.of("t02"), s.status().rounds().get(0).kept());
        assertNull(s.status().rounds().get(1).kept(), "round 2 has not ended");
        assertEquals(List.of("t02-seed1", "t01-seed1"), s.status().runs().stream().map(SweepProgress.RunEnded::run).toList());
        assertEquals("out of memory", s.status().runs().get(1).error());
        assertEquals(List.of(standing), s.status().standings());
        assertEquals(RunProgress.State.RUNNING, s.state());

        p.finished(List.of(new SweepProgress.Standing("t02", 2, 0.93, 0.0, 0.925, 1)));
        s = SweepProgress.read(folder).orElseThrow();
        assertEquals(RunProgress.State.FINISHED, s.state());
        assertEquals(0.93, s.status().standings().get(0).mean());
        assertTrue(Files.isRegularFile(folder.resolve(SweepProgress.FILE)));
        try (var files = Files.list(folder)) {
            assertEquals(List.of(SweepProgress.FILE), files.map(f -> f.getFileName().toString()).toList(),
                    "each write a whole file, no temp file left");
        }
    }

    @Test
    void aSweepWhoseProcessIsGoneWasInterruptedOrFailedWhereItSaidWhy() throws Exception {
        Path folder = models.resolve("lr");
        start(folder).failed("Sweep 'lr': no run finished");
        Process gone = new ProcessBuilder("sleep", "30").start();
        gone.destroyForcibly().waitFor();
        Path file = folder.resolve(SweepProgress.FILE);
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(file.toFile());
        json.put("pid", gone.pid());
        Files.writeString(file, json.toString());
        SweepProgress.Snapshot s = SweepProgress.read(folder).orElseThrow();
        assertEquals(RunProgress.State.FAILED, s.state(), "it said why it stopped");
        assertEquals("Sweep 'lr': no run finished", s.status().error());
        json.putNull("error");
        Files.writeString(file, json.toString());
        assertEquals(RunProgress.State.INTERRUPTED, SweepProgress.read(folder).orElseThrow().state(), "killed, unsaid");
    }

    @Test
    void aDamagedForeignOrLinkedFileIsNoSweep() throws Exception {
        Path folder = Files.createDirectories(models.resolve("x"));
        assertFalse(SweepProgress.read(folder).isPresent(), "no file");
        Files.writeString(folder.resolve(SweepProgress.FILE), "{\"name\": \"x\", \"runs\": [");
        assertFalse(SweepProgress.read(folder).isPresent(), "cut short");
        Files.writeString(folder.resolve(SweepProgress.FILE), "[1, 2]");
        assertFalse(SweepProgress.read(folder).isPresent(), "not an object");
        Files.writeString(folder.resolve(SweepProgress.FILE), "{\"name\": \"x\", \"started_at\": \"2026-01-01T00:00:00Z\"}");
        SweepProgress.Snapshot bare = SweepProgress.read(folder).orElseThrow();
        assertEquals(List.of(), bare.status().runs(), "missing lists read as empty");
        // a null inside a list, or a round without its runs, was a 500 from the sweep's page (a review)
        for (String damaged : new String[]{"\"runs\": [null]", "\"rounds\": [{\"round\": 1, \"epochs\": 2, "
                + "\"trials\": [\"t01\"], \"runs\": null}]", "\"trials\": [{\"name\": \"t01\", \"values\": {}, "
                + "\"labels\": null}]", "\"standings\": [null]"}) {
            Files.writeString(folder.resolve(SweepProgress.FILE), "{\"name\": \"x\", \"started_at\": "
                    + "\"2026-01-01T00:00:00Z\", " + damaged + "}");
            assertFalse(SweepProgress.read(folder).isPresent(), damaged);
        }

        Path elsewhere = Files.createDirectories(models.resolve("elsewhere"));
        start(elsewhere);
        Path linked = Files.createDirectories(models.resolve("linked"));
        Files.createSymbolicLink(linked.resolve(SweepProgress.FILE), elsewhere.resolve(SweepProgress.FILE));
        assertFalse(SweepProgress.read(linked).isPresent(), "a link is not followed");
        Files.createSymbolicLink(models.resolve("folder-link"), elsewhere);
        assertFalse(SweepProgress.read(models.resolve("folder-link")).isPresent(), "nor a linked folder");
    }
}
