package dev.mnistfcn.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mnistfcn.Json;
import dev.mnistfcn.predict.ModelInfo;
import dev.mnistfcn.predict.Prediction;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON bodies the service answers with. */
final class Answers {
    private Answers() {
    }

    /**
     * {@code {"digit", "confidence", "probabilities": [10], "preprocessed": [784]}}, written by hand: it is the
     * answer to every request of the hot path, and 794 numbers through a StringBuilder need no object tree.
     */
    static String prediction(Prediction p) {
        StringBuilder s = new StringBuilder(16 * (p.probabilities().length + p.preprocessed().length));
        s.append("{\"digit\":").append(p.digit()).append(",\"confidence\":").append(p.confidence());
        numbers(s.append(",\"probabilities\":"), p.probabilities());
        numbers(s.append(",\"preprocessed\":"), p.preprocessed());
        return s.append('}').toString();
    }

    private static void numbers(StringBuilder s, float[] values) {
        s.append('[');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) s.append(',');
            float v = values[i];
            if (v == 0f) s.append('0'); // most of a digit's pixels
            else s.append(v);           // Float.toString: the shortest decimal that reads back as v (valid JSON)
        }
        s.append(']');
    }

    /** {@code GET /api/model}: file, architecture, parameters, test_accuracy (null when not recorded), engine. */
    static String model(ModelInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", info.file().toString());
        m.put("architecture", info.architecture());
        m.put("parameters", info.parameters());
        m.put("test_accuracy", info.testAccuracy());
        m.put("engine", info.engine());
        return write(m);
    }

    static String error(String message) {
        return write(Map.of("error", message));
    }

    static String health() {
        return "{\"status\":\"ok\"}";
    }

    private static String write(Object value) {
        try {
            return Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // maps of strings and numbers always serialise
        }
    }
}
