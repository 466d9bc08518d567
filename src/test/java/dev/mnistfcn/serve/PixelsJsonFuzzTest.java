package dev.mnistfcn.serve;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JSON request bodies ({@code {"pixels": [...]}}) through {@link PredictRequest#pixels}. For any bytes the only
 * allowed failure is an {@link HttpProblem} 400 (the client's mistake, answered with a message); anything else would
 * reach the server's 500 handler and is a finding.
 */
class PixelsJsonFuzzTest {
    @MethodSource("bodies")
    @DictionaryEntries({"\"pixels\"", "{", "}", "[", "]", ",", ":", "0.5", "1e-3", "-0", "null", "true", "\"\\u0000\""})
    @FuzzTest(maxDuration = "30s")
    void pixels(byte[] body) {
        float[] pixels;
        try {
            pixels = PredictRequest.pixels(body);
        } catch (HttpProblem expected) {
            assertEquals(400, expected.status);
            assertTrue(expected.getMessage().startsWith("Bad JSON request: ")
                    || expected.getMessage().startsWith("no digit found: "), expected.getMessage());
            return;
        }
        assertEquals(784, pixels.length);
        for (float v : pixels) assertTrue(v >= 0 && v <= 1, "pixel " + v);
    }

    /**
     * The review's bodies: Jackson's advice to developers ("enable JsonReadFeature...") and "[" for a nested array
     * reached the client; 784 zeros were answered "5" at 32%, where a blank picture is "no digit found".
     */
    @Test
    void messagesSayWhatIsWrongInTheClientsTerms() {
        String zeros = String.join(",", Collections.nCopies(783, "0"));
        assertEquals("Bad JSON request: malformed JSON (Non-standard token 'NaN' at line 1, column 16). Expected "
                + "{\"pixels\": [784 numbers from 0 to 1]}: a 28×28 picture in MNIST's form (white ink on black), row by "
                + "row.", problem("{\"pixels\": [NaN," + zeros + "]}"));
        assertTrue(problem("{\"pixels\": [[0]," + zeros + "]}").startsWith("Bad JSON request: pixels[0] is an array, "
                + "not a number."));
        String deep = "{\"other\": " + "[".repeat(1200);
        assertTrue(problem(deep).startsWith("Bad JSON request: malformed JSON (Document nesting depth (1001) exceeds "
                + "the maximum allowed (1000))"), problem(deep));
        assertEquals("no digit found: all 784 pixels are 0.0 (blank or one colour), so there is no ink to read.",
                problem("{\"pixels\": [0," + zeros + "]}"));
        assertEquals(400, assertThrows(HttpProblem.class, () -> PredictRequest.pixels(("{\"pixels\": [0," + zeros
                + "]}").getBytes(StandardCharsets.UTF_8))).status);
    }

    private static String problem(String body) {
        return assertThrows(HttpProblem.class, () -> PredictRequest.pixels(body.getBytes(StandardCharsets.UTF_8)))
                .getMessage();
    }

    static Stream<byte[]> bodies() {
        String zeros = String.join(",", Collections.nCopies(784, "0"));
        String mixed = String.join(",", Collections.nCopies(392, "0.25,1e-1"));
        return Stream.of(
                "{\"pixels\": [" + zeros + "]}",
                "{\"id\": \"a\", \"pixels\": [" + mixed + "], \"extra\": {\"k\": [1, null, true]}}",
                "{\"pixels\": [0, 1, 0.5]}",
                "{\"pixels\": \"no\"}",
                "[]")
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Found by the fuzzer: a body starting with zero bytes is taken by Jackson for UTF-32, whose decoder threw
     * CharConversionException (an IOException, not a JsonProcessingException), which became a 500.
     */
    @Test
    void bodyThatIsNotUtf8IsA400() {
        byte[] body = {0, 0, 0, '#', 'x', '2', '/', 's', '"', ':', ' ', '[', '0', ']', '}'};
        HttpProblem problem = assertThrows(HttpProblem.class, () -> PredictRequest.pixels(body));
        assertEquals(400, problem.status);
        assertTrue(problem.getMessage().contains("not text in UTF-8"), problem.getMessage());
    }
}
