package dev.mnistfcn.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.Json;
import dev.mnistfcn.TestData;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real (small) compare of two-layer with a schedule, input dropout and early stopping, 2 seeds on 3,000 images
 * (where it overfits within a few epochs): each run's console header, report.md and report.html name those settings,
 * and the comparison shows the epochs each seed trained and kept, as its metrics.json has them, not training.epochs.
 */
@Tag("slow") // training runs on real MNIST (docs/tests.md#test-tiers)
class EarlyStoppedCompareTest {
    private static final String SETTINGS = "schedule: exponential by epoch, gamma 0.9; dropout: input 0.1; "
            + "early stopping: val_loss, patience 1, min_delta 0";

    @TempDir
    Path out;

    @Test
    void reportsNameTheSettingsAndTheTableShowsEpochsTrainedAndKept() throws Exception {
        Map<String, String> o = Map.of("training.epochs", "15", "training.updater.schedule.type", "exponential",
                "training.updater.schedule.by", "epoch", "training.updater.schedule.gamma", "0.9",
                "model.input_dropout", "0.1", "training.early_stopping.patience", "1", "data.train_limit", "3000",
                "data.dir", TestData.mnistDir().toString(), "output.dir", out.resolve("runs").toString());
        var console = new ByteArrayOutputStream();
        var outcome = new CompareJob(new PrintStream(console, true, StandardCharsets.UTF_8), false)
                .run(List.of(Path.of("config/two-layer.yaml")), o, 2, out.resolve("report"));
        String text = console.toString(StandardCharsets.UTF_8);

        // Each run's console header, right under the line with the network and the data.
        assertEquals(2, text.split(Pattern.quote("epochs of batch 50\nadam lr 0.01; " + SETTINGS + "\n"), -1).length - 1, text);
        List<Integer> trained = new ArrayList<>(), kept = new ArrayList<>();
        for (long seed : List.of(12345L, 12346L)) {
            Path run = out.resolve("runs/two-layer-seed" + seed);
            String md = Files.readString(run.resolve("report.md"));
            assertTrue(md.contains(", adam lr 0.01, seed " + seed + "; " + SETTINGS + ".\n"), md);
            Document html = Jsoup.parse(Files.readString(run.resolve("report.html")));
            assertEquals("Batch 50, adam lr 0.01, seed " + seed + "; " + SETTINGS + ".", html.select("p.settings").text());

            JsonNode metrics = Json.MAPPER.readTree(run.resolve("metrics.json").toFile());
            trained.add(metrics.get("history").size());
            kept.add(metrics.get("early_stopping").get("best_model_epoch").asInt());
        }
        assertTrue(trained.stream().anyMatch(t -> t < 15), "patience 1 on 3,000 images stops early: " + trained);

        String cell = (trained.get(0).equals(trained.get(1)) ? trained.get(0).toString() : trained.get(0) + ", " + trained.get(1))
                + " (kept " + (kept.get(0).equals(kept.get(1)) ? kept.get(0).toString() : kept.get(0) + ", " + kept.get(1)) + ")";
        String row = Files.readString(outcome.markdown()).lines().filter(l -> l.startsWith("| two-layer |")).findFirst()
                .orElseThrow();
        assertTrue(row.startsWith("| two-layer | 2 | 218,058 | " + cell + " | "), row + " vs " + cell);
        assertTrue(text.contains(row), "the console prints the same table");
        assertTrue(Files.readString(outcome.markdown()).contains("\nSettings: " + SETTINGS + ".\n"));
        Document html = Jsoup.parse(Files.readString(outcome.html()));
        assertEquals(cell, html.select("table.compare td").get(3).text());
        assertEquals(SETTINGS, html.select("section.config p.settings").text());
    }
}
