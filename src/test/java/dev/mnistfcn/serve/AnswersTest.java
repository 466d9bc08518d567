package dev.mnistfcn.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.Json;
import dev.mnistfcn.predict.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-written prediction JSON: valid JSON, exact probabilities, pixels within half a unit of the 4th decimal. */
class AnswersTest {
    @ParameterizedTest
    @CsvSource({"0, 0", "1, 1", "0.5, 0.5", "0.25, 0.25", "0.1, 0.1", "0.0123, 0.0123", "0.00004, 0", "0.00005, 0.0001",
            "0.99996, 1", "0.003921569, 0.0039", "0.70710677, 0.7071", "1.5, 1", "-0.2, 0"})
    void pixelsAreWrittenWithFourDecimals(float value, String written) {
        StringBuilder s = new StringBuilder();
        Answers.pixel(s, value);
        assertEquals(written, s.toString());
    }

    @Test
    void predictionIsJsonWithExactProbabilitiesAndRoundedPixels() throws Exception {
        Random random = new Random(4);
        float[] probabilities = new float[10];
        for (int i = 0; i < 10; i++) probabilities[i] = (float) Math.pow(10, -30 * random.nextDouble());
        float[] pixels = new float[784];
        for (int i = 0; i < pixels.length; i++) pixels[i] = i % 3 == 0 ? 0 : random.nextFloat();
        JsonNode json = Json.MAPPER.readTree(Answers.prediction(new Prediction(3, probabilities[3], probabilities, pixels, false)));
        assertEquals(3, json.get("digit").asInt());
        assertEquals(probabilities[3], json.get("confidence").floatValue());
        for (int i = 0; i < 10; i++) assertEquals(probabilities[i], json.get("probabilities").get(i).floatValue());
        assertEquals(784, json.get("preprocessed").size());
        for (int i = 0; i < pixels.length; i++) {
            assertEquals(pixels[i], json.get("preprocessed").get(i).doubleValue(), 0.5e-4 + 1e-7, "pixel " + i);
        }
    }
}
