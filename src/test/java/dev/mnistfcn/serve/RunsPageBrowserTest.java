package dev.mnistfcn.serve;

import dev.mnistfcn.DocsPictures;
import dev.mnistfcn.TestData;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.eval.Evaluator;
import dev.mnistfcn.job.Resume;
import dev.mnistfcn.job.TrainingJob;
import dev.mnistfcn.job.TrainingPlan;
import dev.mnistfcn.storage.RunProgress;
import dev.mnistfcn.train.RunProgressListener;
import dev.mnistfcn.train.Trainer;
import dev.mnistfcn.train.TrainingListener;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runs pages (issue 27) in headless Chromium against a real server: a real training loop beside it, writing its
 * progress file, shows as running, its chart gains a point per epoch from the event stream, it ends as finished; a run whose process is
 * gone shows as interrupted; no console errors; the run page fits a 360 px screen.
 */
@Tag("slow") // trains a model for the server and a run to watch (docs/tests.md#test-tiers)
@EnabledIf(value = "dev.mnistfcn.serve.Chromium#presentOrCi", disabledReason = "skipped: needs /usr/bin/chromium "
        + "and /usr/bin/chromedriver (Debian: apt-get install chromium chromium-driver)")
class RunsPageBrowserTest extends RunsPagesFixture {
    static final int EPOCHS = 10;
    /**
     * Each epoch after the first lasts at least this long (the loop waits out the rest after writing its line), the
     * length of a full-MNIST epoch of the shipped configs on a slow spell. Not shorter: the delays are the server's
     * 250 ms look at the progress file plus the write and the redraw (under 0.26 s in every run alone), but inside
     * the whole suite one point came 629 ms late (a fresh clone's CI run, 2026-12-06), past the 500 ms pace this had.
     */
    static final long EPOCH_MS = 1000;

    @Test
    void aRunStartedBesideTheServerGrowsLiveAndEndsFinished() throws Exception {
        // A killed run beside it: a progress file whose process is gone.
        Process gone = new ProcessBuilder("sleep", "30").start();
        gone.destroyForcibly().waitFor();
        RunProgress.start(runs.resolve("killed"), new RunProgress.Started("killed", "784-256-10", 20, 50, "fused",
                "adam lr 0.01", gone.pid(), RunProgress.host(), Instant.now().toString()),
                List.of(new EpochStats(1, 0.3, 0.2, 0.94, 1.0, 0.1, 55_000)));

        // A real training loop (one-layer on 4,000 images, fused engine) writing its real progress file, paced by
        // the test: after each epoch it waits for a permit, so the page is seen running and growing, not raced.
        var config = ConfigLoader.load(Path.of("config/one-layer.yaml"), Map.of("name", "live",
                "training.epochs", String.valueOf(EPOCHS), "data.train_limit", "4000", "checkpoint.every", "0",
                "data.dir", TestData.mnistDir().toString(), "output.dir", runs.toString()));
        var job = new TrainingJob(config, new PrintStream(new ByteArrayOutputStream()), false);
        TrainingPlan start = job.start(Resume.FALSE);
        MnistSplits data = job.loadData();
        Semaphore nextEpoch = new Semaphore(0);
        long[] ended = new long[EPOCHS + 1];
        // The epoch's end, before its line is written (the listeners run in order): the delay includes the write.
        TrainingListener clock = new TrainingListener() {
            @Override
            public void epochDone(EpochStats stats, List<EpochStats> history) {
                ended[stats.epoch()] = System.currentTimeMillis();
            }
        };
        var progress = new RunProgressListener(runs.resolve("live"), "live", "784-256-10", 50, start.engine().engine().id(),
                "adam lr 0.01");
        TrainingListener gate = new TrainingListener() {
            @Override
            public void epochDone(EpochStats stats, List<EpochStats> history) {
                nextEpoch.acquireUninterruptibly();
                long rest = ended[stats.epoch()] + EPOCH_MS - System.currentTimeMillis();
                if (stats.epoch() >= 2 && rest > 0) {
                    try {
                        Thread.sleep(rest);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        CompletableFuture<?> training = CompletableFuture.runAsync(() -> {
            new Trainer(List.of(clock, progress, gate)).train(start.step(), start.epochs(data));
            progress.finished(Evaluator.evaluate(start.step().predictor(), data.test()).accuracy(), null);
        });

        browser.get(server.uri().resolve("/runs").toString());
        wait.until(d -> rowState("live").equals("running"));
        assertEquals("interrupted", rowState("killed"));
        Files.write(DocsPictures.path("runs-list.png"), browser.getScreenshotAs(OutputType.BYTES));

        // Found and clicked in one script: the list redraws itself every 2 s (an element found earlier can go stale).
        browser.executeScript("[...document.querySelectorAll('a')].find(a => a.getAttribute('href') === '/runs/live').click();");
        wait.until(d -> state().equals("running") && points() == 3);
        // When the page shows each new point: the count of points at each change, and the time of the next frame.
        browser.executeScript("window.shown = []; let last = -1;"
                + " new MutationObserver(() => { const n = document.querySelectorAll('svg circle').length;"
                + " if (n !== last) { last = n; requestAnimationFrame(() => window.shown.push([n, Date.now()])); } })"
                + ".observe(document.getElementById('main'), { subtree: true, childList: true });");
        nextEpoch.release();
        wait.until(d -> points() == 6); // the second epoch, from the event stream
        assertEquals("running", state());
        nextEpoch.release(EPOCHS);
        wait.until(d -> state().equals("finished"));
        training.join();
        assertEquals(3 * EPOCHS, points(), "training and validation loss, validation accuracy: a point per epoch each");
        assertTrue(browser.findElement(By.tagName("body")).getText().contains("test accuracy"), "the final state");
        pageWithinOneEpoch(ended);
        Files.write(DocsPictures.path("runs-live.png"), browser.getScreenshotAs(OutputType.BYTES));

        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", 360, "height", 740, "deviceScaleFactor", 2, "mobile", true));
        try {
            browser.navigate().refresh();
            wait.until(d -> state().equals("finished") && points() == 3 * EPOCHS);
            assertTrue((Long) browser.executeScript("return document.documentElement.scrollWidth;") <= 360,
                    "no sideways scrolling at 360 px");
        } finally {
            browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    /**
     * The goal, measured: for epochs 2 to {@link #EPOCHS}, the time from the epoch's end (before its line is
     * written) to the page drawing its point, each below the shortest epoch. Printed for docs/live.md.
     */
    @SuppressWarnings("unchecked")
    private static void pageWithinOneEpoch(long[] ended) {
        List<List<Long>> shown = (List<List<Long>>) browser.executeScript("return window.shown;");
        long[] delays = new long[EPOCHS - 1];
        long shortest = Long.MAX_VALUE;
        for (int e = 2; e <= EPOCHS; e++) {
            int points = 3 * e;
            long at = shown.stream().filter(x -> x.get(0) >= points).mapToLong(x -> x.get(1)).min().orElseThrow();
            delays[e - 2] = at - ended[e];
            if (e < EPOCHS) shortest = Math.min(shortest, ended[e + 1] - ended[e]);
        }
        long[] sorted = delays.clone();
        java.util.Arrays.sort(sorted);
        System.out.printf("Live page: epoch ended -> point drawn: median %d ms, max %d ms over epochs 2-%d "
                + "(all: %s); shortest epoch %d ms%n", sorted[sorted.length / 2], sorted[sorted.length - 1], EPOCHS,
                java.util.Arrays.toString(delays), shortest);
        assertTrue(sorted[0] >= 0, "no point before its epoch ended: " + java.util.Arrays.toString(delays));
        assertTrue(shortest >= EPOCH_MS, "the epochs were paced: " + shortest);
        assertTrue(sorted[sorted.length - 1] < shortest, "each point drawn within one epoch of its epoch's end: "
                + java.util.Arrays.toString(delays) + " ms, shortest epoch " + shortest + " ms");
    }

    private static String rowState(String run) {
        return (String) browser.executeScript("for (const tr of document.querySelectorAll('tr')) {"
                + " const a = tr.querySelector('a'); if (a && a.textContent === arguments[0])"
                + " return tr.querySelector('.state').textContent; } return '';", run);
    }

    private static int points() {
        return ((Long) browser.executeScript("return document.querySelectorAll('svg circle').length;")).intValue();
    }
}
