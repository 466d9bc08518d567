package dev.mnistfcn.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.Json;
import dev.mnistfcn.TestData;
import dev.mnistfcn.TestModels;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.digits.UserPictures;
import dev.mnistfcn.predict.DigitClassifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A picture that holds no digit, sent to a real {@link DigitServer} whose model carries its not-a-digit check
 * ({@link TestModels#calibratedTwoLayer()}): the API's answer, and the draw page's message in headless Chromium.
 */
@Tag("slow") // trains and calibrates a model (docs/tests.md#test-tiers)
@EnabledIf(value = "dev.mnistfcn.serve.Chromium#presentOrCi", disabledReason = "skipped: needs /usr/bin/chromium and "
        + "/usr/bin/chromedriver (Debian: apt-get install chromium chromium-driver)")
class NotADigitPageTest {
    static final Path SMILEY = Path.of("src/test/resources/dev/mnistfcn/notadigit/not-digits/smiley-136.png");
    static final String MESSAGE = "That does not look like a digit.";

    @TempDir
    static Path dir;
    static DigitServer server;
    static ChromeDriver browser;

    @BeforeAll
    static void start() {
        server = DigitServer.start(DigitClassifier.load(TestModels.calibratedTwoLayer(), "fused"), "127.0.0.1", 0);
        browser = Chromium.start(dir.resolve("chromium-profile"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (server != null) server.close();
    }

    @Test
    void theApiAnswersNotADigitWithTheProbabilities() throws Exception {
        var client = HttpClient.newHttpClient();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.uri().resolve("/api/predict"))
                .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofFile(SMILEY)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode answer = Json.MAPPER.readTree(r.body());
        assertTrue(answer.get("digit").isNull(), r.body());
        assertTrue(answer.get("not_a_digit").asBoolean(), r.body());
        assertEquals(10, answer.get("probabilities").size());
        double sum = 0;
        for (JsonNode p : answer.get("probabilities")) sum += p.asDouble();
        assertEquals(1, sum, 1e-4);
        assertEquals(784, answer.get("preprocessed").size());

        JsonNode model = Json.MAPPER.readTree(client.send(HttpRequest.newBuilder(server.uri().resolve("/api/model"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        assertTrue(model.get("not_a_digit_check").asBoolean(), model.toString());
    }

    @Test
    void thePageSaysThatDoesNotLookLikeADigitThenShowsTheNextDigit() throws Exception {
        var wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(server.uri().resolve("/").toString());
        wait.until(d -> d.findElement(By.id("model")).getText().startsWith("Model: "));

        browser.findElement(By.id("file")).sendKeys(SMILEY.toAbsolutePath().toString());
        wait.until(d -> MESSAGE.equals(text("confidence")));
        assertEquals("", text("digit"));
        assertEquals("", text("error"));
        List<String> values = browser.findElements(By.cssSelector("#bars li .value")).stream().map(e -> e.getText()).toList();
        assertEquals(10, values.size());
        assertFalse(values.contains("–"), "the probabilities are still shown: " + values);
        assertEquals(0, browser.findElements(By.cssSelector("#bars li.top")).size(), "no digit is marked as the answer");

        float[] seven = MnistSplits.loadTest(TestData.mnistDir()).getFeatures().getRow(0).toFloatVector();
        Path digit = dir.resolve("seven.png");
        Files.write(digit, UserPictures.draw(seven, UserPictures.Kind.YELLOW_PAPER_PNG, 0));
        browser.findElement(By.id("file")).sendKeys(digit.toString());
        wait.until(d -> "7".equals(text("digit")));
        assertTrue(text("confidence").endsWith("% sure"), text("confidence"));
        assertEquals(List.of(), Chromium.problems(browser, List.of()), "console errors or warnings");
    }

    static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }
}
