package dev.mnistfcn.serve;

import dev.mnistfcn.TestModels;
import dev.mnistfcn.predict.DigitClassifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The runs pages' browser tests' world: a real server whose output folder is {@link #runs} (empty at first), a
 * headless Chromium, and after each test the check that the page logged no console error or warning.
 */
abstract class RunsPagesFixture {
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

    /** The state the page shows: running, finished, interrupted or failed; empty before it has loaded. */
    static String state() {
        return (String) browser.executeScript("const s = document.getElementById('state'); return s ? s.textContent : '';");
    }
}
