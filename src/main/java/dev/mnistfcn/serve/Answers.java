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
     * {@code {"digit", "not_a_digit", "confidence", "probabilities": [10], "preprocessed": [784]}} ("digit" null when
     * the model's check says the picture holds no digit), written by hand: it is the
     * answer to every request of the hot path, and 794 numbers through a StringBuilder need no object tree.
     * Probabilities are exact; the picture's pixels are rounded to {@value #PIXEL_DECIMALS} decimals (a fortieth
     * of a grey level): {@code Float.toString} for each of them took a fifth of a 28×28 PNG request's CPU time.
     */
    static String prediction(Prediction p) {
        StringBuilder s = new StringBuilder(64 + 16 * p.probabilities().length + 7 * p.preprocessed().length);
        // Not a digit: "digit" null, so that no client takes a refused picture's guess for an answer.
        s.append("{\"digit\":").append(p.notADigit() ? "null" : String.valueOf(p.digit()));
        s.append(",\"not_a_digit\":").append(p.notADigit()).append(",\"confidence\":").append(p.confidence());
        s.append(",\"probabilities\":[");
        for (int i = 0; i < p.probabilities().length; i++) {
            if (i > 0) s.append(',');
            s.append(p.probabilities()[i]); // Float.toString: the shortest decimal that reads back as the float
        }
        s.append("],\"preprocessed\":[");
        for (int i = 0; i < p.preprocessed().length; i++) {
            if (i > 0) s.append(',');
            pixel(s, p.preprocessed()[i]);
        }
        return s.append("]}").toString();
    }

    static final int PIXEL_DECIMALS = 4;

    /** A value in 0..1 as {@code 0}, {@code 1} or {@code 0.dddd} without trailing zeros. */
    static void pixel(StringBuilder s, float v) {
        int q = Math.round(Math.min(1f, Math.max(0f, v)) * 10_000);
        if (q == 0 || q == 10_000) {
            s.append(q / 10_000);
            return;
        }
        s.append("0.");
        int digits = PIXEL_DECIMALS;
        while (q % 10 == 0) {
            q /= 10;
            digits--;
        }
        for (int d = digits - 1, scale = (int) Math.pow(10, d); d >= 0; d--, scale /= 10) s.append((char) ('0' + q / scale % 10));
    }

    /**
     * {@code GET /api/model}: file, architecture, parameters, test_accuracy (null when not recorded), engine (the one
     * answering) and provenance (the zip's record as metrics.json has it; null for zips written elsewhere).
     */
    static String model(ModelInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", info.file().toString());
        m.put("architecture", info.architecture());
        m.put("parameters", info.parameters());
        m.put("test_accuracy", info.testAccuracy());
        m.put("engine", info.engine());
        m.put("provenance", info.provenance());
        m.put("not_a_digit_check", info.notADigit());
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
