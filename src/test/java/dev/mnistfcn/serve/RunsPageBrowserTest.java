package dev.mnistfcn.serve;

import dev.mnistfcn.TestData;
import dev.mnistfcn.TestModels;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.eval.Evaluator;
import dev.mnistfcn.job.Resume;
import dev.mnistfcn.job.TrainingJob;
import dev.mnistfcn.job.TrainingPlan;
import dev.mnistfcn.predict.DigitClassifier;
import dev.mnistfcn.storage.RunProgress;
import dev.mnistfcn.train.ProgressListener;
import dev.mnistfcn.train.Trainer;
import dev.mnistfcn.train.TrainingListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
class RunsPageBrowserTest {
    static final int EPOCHS = 8;

    @TempDir
    static Path dir;
    static Path runs;
    static DigitServer server;
    static ChromeDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        runs = dir.resolve("models");
        server = DigitServer.start(DigitClassifier.load(TestModels.twoLayer(), "fused"), "127.0.0.1", 0,
                ServerLimits.DEFAULTS, runs);
        browser = Chromium.start(dir.resolve("chromium-profile"));
        wait = new WebDriverWait(browser, Duration.ofSeconds(120));
        wait.pollingEvery(Duration.ofMillis(50));
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (server != null) server.close();
    }

    @AfterEach
    void noConsoleErrorsOrWarnings() {
        assertEquals(List.of(), Chromium.problems(browser, List.of()), "console errors or warnings");
    }

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
        var progress = new ProgressListener(runs.resolve("live"), "live", "784-256-10", 50, start.engine().engine().id(),
                "adam lr 0.01");
        TrainingListener gate = new TrainingListener() {
            @Override
            public void epochDone(EpochStats stats, List<EpochStats> history) {
                nextEpoch.acquireUninterruptibly();
            }
        };
        CompletableFuture<?> training = CompletableFuture.runAsync(() -> {
            new Trainer(List.of(progress, gate)).train(start.step(), start.epochs(data));
            progress.finished(Evaluator.evaluate(start.step().predictor(), data.test()).accuracy(), null);
        });

        browser.get(server.uri().resolve("/runs").toString());
        wait.until(d -> rowState("live").equals("running"));
        assertEquals("interrupted", rowState("killed"));
        Files.write(Path.of("docs", "runs-list.png"), browser.getScreenshotAs(OutputType.BYTES));

        browser.findElement(By.linkText("live")).click();
        wait.until(d -> state().equals("running") && points() == 3);
        nextEpoch.release();
        wait.until(d -> points() == 6); // the second epoch, from the event stream
        assertEquals("running", state());
        nextEpoch.release(EPOCHS);
        wait.until(d -> state().equals("finished"));
        training.join();
        assertEquals(3 * EPOCHS, points(), "training and validation loss, validation accuracy: a point per epoch each");
        assertTrue(browser.findElement(By.tagName("body")).getText().contains("test accuracy"), "the final state");
        Files.write(Path.of("docs", "runs-live.png"), browser.getScreenshotAs(OutputType.BYTES));

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

    private static String rowState(String run) {
        return (String) browser.executeScript("for (const tr of document.querySelectorAll('tr')) {"
                + " const a = tr.querySelector('a'); if (a && a.textContent === arguments[0])"
                + " return tr.querySelector('.state').textContent; } return '';", run);
    }

    private static String state() {
        return (String) browser.executeScript("const s = document.getElementById('state'); return s ? s.textContent : '';");
    }

    private static int points() {
        return ((Long) browser.executeScript("return document.querySelectorAll('svg circle').length;")).intValue();
    }
}
