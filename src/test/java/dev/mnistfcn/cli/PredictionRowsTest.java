package dev.mnistfcn.cli;

import dev.mnistfcn.predict.ModelInfo;
import dev.mnistfcn.predict.Prediction;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * predict's rows in the three formats: a picture whose 28×28 form was not saved keeps its digit, and why it was not
 * saved stays apart from the error column, whose meaning is unchanged (empty or null when the file was predicted, "not
 * a digit" when the check refused it), also for a refused picture that could not be saved.
 */
class PredictionRowsTest {
    private static final float[] PROBABILITIES = {0.01f, 0.02f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.9f, 0.01f, 0.01f};
    private static final Prediction SEVEN = new Prediction(7, 0.9f, PROBABILITIES, new float[784], false);
    private static final Prediction REFUSED = new Prediction(7, 0.9f, PROBABILITIES, new float[784], true);

    private static List<String> rows(Function<PrintWriter, PredictionRows> format) {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        PredictionRows rows = format.apply(out);
        rows.row("a.png", SEVEN, null, null);
        rows.row("b.png", SEVEN, null, "Cannot write out/b.png: disk full, try again");
        rows.row("c.png", REFUSED, null, "Cannot write out/c.png");
        rows.row("d.png", null, "Cannot read d.png", null);
        out.flush();
        return text.toString().lines().toList();
    }

    @Test
    void csvKeepsNotSavedInAColumnOfItsOwn() {
        assertEquals(List.of("file,digit,confidence,error,not_saved", "a.png,7,0.9000,,",
                        "b.png,7,0.9000,,\"Cannot write out/b.png: disk full, try again\"",
                        "c.png,,,not a digit,Cannot write out/c.png", "d.png,,,Cannot read d.png,"),
                rows(out -> PredictionRows.csv(out, true)));
        assertEquals(List.of("file,digit,confidence,error", "a.png,7,0.9000,",
                "b.png,7,0.9000,", "c.png,,,not a digit", "d.png,,,Cannot read d.png"),
                rows(out -> PredictionRows.csv(out, false)), "without --save-preprocessed: the four columns as before");
    }

    @Test
    void jsonAddsNotSavedOnlyWhereThePictureWasNotSaved() {
        List<String> json = rows(PredictionRows::json);
        assertEquals("{\"file\":\"a.png\",\"digit\":7,\"confidence\":0.9,\"runner_up\":1,\"probabilities\":"
                + "[0.01,0.02,0.01,0.01,0.01,0.01,0.01,0.9,0.01,0.01],\"error\":null}", json.get(0));
        assertEquals("{\"file\":\"b.png\",\"digit\":7,\"confidence\":0.9,\"runner_up\":1,\"probabilities\":"
                + "[0.01,0.02,0.01,0.01,0.01,0.01,0.01,0.9,0.01,0.01],\"error\":null,"
                + "\"not_saved\":\"Cannot write out/b.png: disk full, try again\"}", json.get(1));
        assertEquals("{\"file\":\"c.png\",\"digit\":null,\"confidence\":0.9,\"runner_up\":null,\"probabilities\":"
                + "[0.01,0.02,0.01,0.01,0.01,0.01,0.01,0.9,0.01,0.01],\"error\":\"not a digit\","
                + "\"not_saved\":\"Cannot write out/c.png\"}", json.get(2));
        assertEquals("{\"file\":\"d.png\",\"digit\":null,\"confidence\":null,\"runner_up\":null,\"probabilities\":null,"
                + "\"error\":\"Cannot read d.png\"}", json.get(3));
    }

    @Test
    void textSaysNotSavedAfterTheAnswer() {
        ModelInfo model = new ModelInfo(Path.of("m.zip"), "784-10", 7850, null, "fused", null, true);
        List<String> text = rows(out -> PredictionRows.text(out, model, List.of("a.png", "b.png", "c.png", "d.png")));
        assertEquals("a.png      7       90.0%  1 (2.0%)", text.get(2));
        assertEquals("b.png      7       90.0%  1 (2.0%)  not saved: Cannot write out/b.png: disk full, try again",
                text.get(3));
        assertEquals("c.png      -          -   not a digit (most like 7, 90.0%)  not saved: Cannot write out/c.png",
                text.get(4));
        assertEquals("d.png  error: Cannot read d.png", text.get(5));
    }
}
