package dev.mnistfcn.serve;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.fail;

/** Debian's headless Chromium driven by Selenium, for the pages' browser tests: offline, 127.0.0.1 only. */
final class Chromium {
    // Explicit paths (Debian's, or -Dchromium=… -Dchromedriver=…): Selenium Manager would otherwise try to download.
    static final Path BINARY = Path.of(System.getProperty("chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("chromedriver", "/usr/bin/chromedriver"));

    private Chromium() {
    }

    static boolean present() {
        return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
    }

    /** Skipped only where the browser is absent locally: CI installs it (.ci/run), so there its absence fails. */
    static boolean presentOrCi() {
        return present() || "true".equals(System.getenv("CI"));
    }

    /** A fresh headless browser with its profile in {@code profile}, logging the console for {@link #problems}. */
    static ChromeDriver start(Path profile) {
        if (!present()) {
            fail("CI=true but the browser test finds no " + BINARY + " or " + DRIVER
                    + ": .ci/run installs them with apt-get install chromium chromium-driver");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1000,760", "--hide-scrollbars", "--no-first-run", "--disable-sync",
                "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
                "--remote-allow-origins=http://127.0.0.1:*", "--user-data-dir=" + profile,
                // Input events are not held to a 60 Hz frame clock that a headless window has no screen for: each
                // pointer action of a drawn digit waited for a frame (PageBrowserTest's 20 digits: 46 s, now 30 s).
                "--disable-frame-rate-limit", "--disable-gpu-vsync",
                // Every name but 127.0.0.1 fails to resolve: the page must work offline, and the test stays local.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Console warnings and errors since the last call, less those {@code expected}. */
    static List<String> problems(ChromeDriver browser, List<Predicate<String>> expected) {
        List<String> unexpected = new ArrayList<>();
        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            boolean ok = expected.stream().anyMatch(p -> p.test(e.getMessage()));
            if (e.getLevel().intValue() >= Level.WARNING.intValue() && !ok) unexpected.add(e.getLevel() + " " + e.getMessage());
        }
        return unexpected;
    }
}
