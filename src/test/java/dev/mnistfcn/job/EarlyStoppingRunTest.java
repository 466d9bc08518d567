package dev.mnistfcn.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.Json;
import dev.mnistfcn.TestData;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.ModelMetadata;
import dev.mnistfcn.train.EarlyStoppingOutcome;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.mnistfcn.job.Resume.AUTO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** training.early_stopping on real MNIST (a 3,000-image subset, where two-layer overfits within a few epochs). */
@Tag("slow") // training runs on real MNIST, killed and resumed (docs/tests.md#test-tiers)
class EarlyStoppingRunTest {
    @TempDir
    Path out;

    private ExperimentConfig config(String name, int epochs) {
        return config(name, epochs, 1);
    }

    private ExperimentConfig config(String name, int epochs, int checkpointEvery) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("name", name);
        o.put("training.epochs", String.valueOf(epochs));
        o.put("training.early_stopping.monitor", "val_loss");
        o.put("training.early_stopping.patience", "2");
        o.put("data.train_limit", "3000");
        o.put("data.dir", TestData.mnistDir().toString());
        o.put("output.dir", out.toString());
        o.put("checkpoint.every", String.valueOf(checkpointEvery));
        return ConfigLoader.load(Path.of("config/two-layer.yaml"), o);
    }

    private String run(ExperimentConfig c) {
        var console = new ByteArrayOutputStream();
        new TrainingJob(c, new PrintStream(console), false).run(AUTO);
        return console.toString();
    }

    @Test
    void aRunKilledMidPatienceResumesToTheSameStopAndTheSameKeptWeights() throws Exception {
        String straightConsole = run(config("straight", 15));
        RunMetrics straight = Json.MAPPER.readValue(out.resolve("straight/metrics.json").toFile(), RunMetrics.class);
        EarlyStoppingOutcome es = straight.earlyStopping();
        assertTrue(es.stoppedEarly(), "two-layer on 3,000 images overfits within 15 epochs: " + straightConsole);
        int best = es.bestModelEpoch();
        assertEquals(best + 2, es.totalEpochs(), "patience 2");
        assertEquals(es.totalEpochs(), straight.history().size());
        double bestLoss = straight.history().stream().mapToDouble(s -> s.validationLoss()).min().orElseThrow();
        assertEquals(bestLoss, straight.history().get(best - 1).validationLoss(), "the kept epoch has the lowest val loss");
        assertTrue(straightConsole.contains("Early stopping: stopped after epoch " + es.totalEpochs() + ", as val_loss had "
                + "not improved by more than 0.0 for 2 epochs; the model keeps epoch " + best + "'s weights"), straightConsole);

        // model.zip is the kept epoch's network, not the last one: its recorded epoch, and its weights are best.zip's.
        Path straightRun = out.resolve("straight");
        assertEquals(best, ModelFiles.load(straightRun.resolve("model.zip"), false).metadata().orElseThrow().epoch());
        assertSameWeights(straightRun.resolve("checkpoints/best.zip"), straightRun.resolve("model.zip"));
        assertFalse(ModelFiles.load(straightRun.resolve("checkpoints/" + String.format("epoch-%02d.zip", es.totalEpochs())),
                false).network().params().equals(ModelFiles.load(straightRun.resolve("model.zip"), false).network().params()));

        // The same run killed right after its best epoch's checkpoint, before best.zip was written ...
        run(config("es", best));
        Files.delete(out.resolve("es/checkpoints/best.zip"));
        // ... resumed and killed again one epoch into the patience ...
        String mid = run(config("es", best + 1));
        assertTrue(mid.contains("Resuming 'es'") && mid.contains("epoch " + best + " of " + (best + 1) + " done"), mid);
        // ... and resumed to the end: one more epoch, not a fresh patience of two.
        String rest = run(config("es", 15));
        assertTrue(rest.contains("epoch " + (best + 1) + " of 15 done"), rest);
        assertTrue(rest.contains(" " + es.totalEpochs() + "/15 |") && !rest.contains(" " + (es.totalEpochs() + 1) + "/15 |"),
                rest);
        RunMetrics resumed = Json.MAPPER.readValue(out.resolve("es/metrics.json").toFile(), RunMetrics.class);
        assertEquals(es, resumed.earlyStopping());
        assertEquals(straight.test().accuracy(), resumed.test().accuracy());
        MultiLayerNetwork a = ModelFiles.load(straightRun.resolve("model.zip"), true).network();
        MultiLayerNetwork b = ModelFiles.load(out.resolve("es/model.zip"), true).network();
        assertEquals(a.params(), b.params(), "the kept weights, bit for bit");

        // Finished: a rerun trains nothing, though it stopped short of training.epochs.
        String again = run(config("es", 15));
        assertTrue(again.contains("Run 'es' is already finished: it stopped early after epoch " + es.totalEpochs()
                + " of 15 (training.early_stopping), and " + out.resolve("es") + " holds its model (epoch " + best
                + "'s weights), metrics and reports. Nothing to do (to train it again, start it afresh: without "
                + "--resume)."), again);
        // More epochs would stop at the same epoch: still finished, model.zip untouched (it was "resumed", trained
        // nothing, and rewrote model.zip, dropping a not-a-digit check: a review)
        byte[] model = Files.readAllBytes(out.resolve("es/model.zip"));
        for (int epochs : new int[]{30, es.totalEpochs()}) { // up to the epoch it stopped at, too
            String more = run(config("es", epochs));
            assertTrue(more.contains("Run 'es' is already finished: it stopped early after epoch " + es.totalEpochs()),
                    epochs + ": " + more);
            assertArrayEquals(model, Files.readAllBytes(out.resolve("es/model.zip")));
        }
        // Killed after early stopping ended it, before its outputs: finished from the last checkpoint, trained no
        // further, and said so (it said "Resuming").
        for (String f : List.of("model.zip", "metrics.json")) Files.delete(out.resolve("es").resolve(f));
        String finish = run(config("es", 15));
        assertTrue(finish.contains("Finishing 'es' from ") && finish.contains(": early stopping ended it after epoch "
                + es.totalEpochs() + "; evaluating and writing its outputs.") && !finish.contains("Resuming"), finish);
        assertSameWeights(straightRun.resolve("model.zip"), out.resolve("es/model.zip"));

        // The epoch it stopped on is checkpointed whatever checkpoint.every: killed before its outputs, a run with
        // checkpoints every (stop - 1) epochs resumed from the earlier one and trained up to the stop again (a review).
        int every = es.totalEpochs() - 1;
        run(config("sparse", 15, every));
        assertTrue(Files.isRegularFile(out.resolve(String.format("sparse/checkpoints/epoch-%02d.zip", es.totalEpochs()))));
        for (String f : List.of("model.zip", "metrics.json")) Files.delete(out.resolve("sparse").resolve(f));
        String sparse = run(config("sparse", 15, every));
        assertTrue(sparse.contains("Finishing 'sparse' from ") && !sparse.contains("Resuming"), sparse);
        assertSameWeights(straightRun.resolve("model.zip"), out.resolve("sparse/model.zip"));

        // Met at its own last epoch, the condition ended nothing ("did not end the run before its N epochs"), but a
        // longer run stops there: finished, not "finished" again from its checkpoint with model.zip rewritten (a review).
        String exact = run(config("exact", es.totalEpochs()));
        assertTrue(exact.contains("did not end the run before its " + es.totalEpochs() + " epochs"), exact);
        byte[] exactModel = Files.readAllBytes(out.resolve("exact/model.zip"));
        String longer = run(config("exact", 15));
        assertTrue(longer.contains("Run 'exact' is already finished: it stopped early after epoch " + es.totalEpochs()
                + " of 15"), longer);
        assertArrayEquals(exactModel, Files.readAllBytes(out.resolve("exact/model.zip")));

        JsonNode json = Json.MAPPER.readTree(out.resolve("es/metrics.json").toFile());
        assertEquals(best, json.get("early_stopping").get("best_model_epoch").asInt());
        assertEquals(es.totalEpochs(), json.get("early_stopping").get("total_epochs").asInt());
        String md = Files.readString(out.resolve("es/report.md"));
        assertTrue(md.contains("Early stopping: stopped after epoch " + es.totalEpochs()), md);
        assertTrue(md.contains("\n| " + best + " (kept) | "), md);
        Document html = Jsoup.parse(Files.readString(out.resolve("es/report.html")));
        assertEquals(String.valueOf(best), html.select("svg.loss-curve line.marker.kept").attr("data-epoch"));
        assertEquals(String.valueOf(es.totalEpochs()), html.select("svg.loss-curve line.marker.stopped").attr("data-epoch"));
        assertTrue(html.select("p.early-stopping").text().startsWith("Early stopping: stopped after epoch"));

        // A crash-safety review: a best.zip of the same epoch from another run went into model.zip unchecked. Here
        // one whose recorded epoch 1 is not this run's (its train loss changed), the outputs gone: refused.
        Path bestZip = out.resolve("es/checkpoints/best.zip");
        ModelFiles.Loaded kept = ModelFiles.load(bestZip, true);
        ModelMetadata meta = kept.metadata().orElseThrow();
        List<EpochStats> other = new java.util.ArrayList<>(meta.history());
        EpochStats first = other.get(0);
        other.set(0, new EpochStats(1, first.trainLoss() + 0.01, first.validationLoss(), first.validationAccuracy(),
                first.trainSeconds(), first.validationSeconds(), first.examples()));
        ModelFiles.save(kept.network(), bestZip, true, new ModelMetadata(meta.provenance(), meta.iteration(),
                meta.validationLoss(), meta.validationAccuracy(), meta.testAccuracy(), other));
        for (String f : List.of("model.zip", "metrics.json", "report.md", "report.html")) Files.delete(out.resolve("es").resolve(f));
        UserError foreign = assertThrows(UserError.class, () -> run(config("es", 15)));
        assertTrue(foreign.getMessage().contains(bestZip + " records other figures for epoch 1 than this run trained: "
                + "it is another run's"), foreign.getMessage());
    }

    @Test
    void aResumeThatWouldKeepAnEpochBestZipNoLongerHoldsIsRefusedBeforeTraining() throws Exception {
        run(config("low", 3));
        Path checkpoints = out.resolve("low/checkpoints");
        var saved = ModelFiles.load(checkpoints.resolve("best.zip"), false).metadata().orElseThrow();
        var loss = saved.history().stream().mapToDouble(s -> s.validationLoss()).toArray();
        // On these 3,000 images val loss is best at epoch 1, worse at 2 and best again at 3 (seed 12345).
        assertTrue(saved.epoch() == 3 && loss[1] > loss[0] && loss[2] < loss[0], java.util.Arrays.toString(loss));
        // Killed after epoch 3's best.zip was written, before its checkpoint: the latest checkpoint is epoch 2.
        Files.delete(checkpoints.resolve("epoch-03.zip"));
        Files.delete(out.resolve("low/model.zip"));
        Files.delete(out.resolve("low/metrics.json"));

        // Ending at epoch 2 would keep epoch 1, whose weights best.zip (epoch 3's now) no longer holds.
        UserError refused = assertThrows(UserError.class, () -> run(config("low", 2)));
        assertEquals("Cannot resume 'low' with training.epochs = 2: early stopping would keep epoch 1, but "
                + checkpoints.resolve("best.zip") + " now holds epoch 3 (the run had trained that far after its latest "
                + "checkpoint, epoch-02.zip), so epoch 1's weights are no longer saved. Set training.epochs to 3 or more, "
                + "or start from scratch (without resume).", refused.getMessage());
        assertEquals(3, ModelFiles.load(checkpoints.resolve("best.zip"), false).metadata().orElseThrow().epoch());
        assertFalse(Files.exists(out.resolve("low/model.zip")));

        // Ending at the checkpoint that holds the kept epoch is fine: the resumed network is that epoch's, saved again.
        Files.delete(checkpoints.resolve("epoch-02.zip"));
        String finished = run(config("low", 1));
        assertTrue(finished.contains("Finishing 'low'"), finished);
        assertEquals(1, ModelFiles.load(out.resolve("low/model.zip"), false).metadata().orElseThrow().epoch());
        Files.delete(out.resolve("low/model.zip"));
        Files.delete(out.resolve("low/metrics.json"));

        // Far enough, the resumed epoch 3 is epoch 3 again (exact resume), and it is kept.
        String resumed = run(config("low", 3));
        assertTrue(resumed.contains("Resuming 'low'"), resumed);
        assertEquals(3, ModelFiles.load(out.resolve("low/model.zip"), false).metadata().orElseThrow().epoch());
        assertSameWeights(checkpoints.resolve("best.zip"), out.resolve("low/model.zip"));
    }

    private static void assertSameWeights(Path expected, Path actual) {
        assertEquals(ModelFiles.load(expected, false).network().params(), ModelFiles.load(actual, false).network().params());
    }
}
