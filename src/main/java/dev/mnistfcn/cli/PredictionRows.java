package dev.mnistfcn.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mnistfcn.Json;
import dev.mnistfcn.predict.ModelInfo;
import dev.mnistfcn.predict.Prediction;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * How {@code predict} writes one row per input: aligned text for people, CSV for spreadsheets, JSON lines for
 * programs. A row holds a prediction, or (prediction null) why there is none; and, with {@code --save-preprocessed},
 * why a predicted picture's 28×28 form was not saved, apart from the error, whose meaning stays as it was (a program
 * that reads a non-empty error as a failed file must not lose a digit that was read).
 */
interface PredictionRows {
    /** The error column of a picture that the model's check refused. */
    String NOT_A_DIGIT = "not a digit";

    /** One file's row; {@code notSaved}, with a prediction only, says why its 28×28 form was not saved. */
    void row(String file, Prediction prediction, String error, String notSaved);

    /**
     * The model line, a header, then {@code file  digit  confidence  runner-up} ({@code  not saved: why} after it where
     * the 28×28 form could not be saved), the file column as wide as the longest of {@code files} as {@link
     * TerminalText#shown} writes them.
     */
    static PredictionRows text(PrintWriter out, ModelInfo model, List<String> files) {
        int width = Math.max(4, files.stream().map(TerminalText::shown).mapToInt(TerminalText::columns).max().orElse(0));
        out.printf(Locale.ROOT, "Model %s: %s, %,d parameters%s; engine %s%n", model.file(), model.architecture(),
                model.parameters(), model.testAccuracy() == null ? ""
                        : String.format(Locale.ROOT, ", %.2f%% on MNIST's test set when saved", 100 * model.testAccuracy()),
                model.engine() + (model.notADigit() ? "; not-a-digit check on" : ""));
        out.printf(Locale.ROOT, "%s  digit  confidence  runner-up%n", TerminalText.padded("file", width));
        return (path, p, error, notSaved) -> {
            // a stranger's file name cannot break the rows; a Chinese one takes two columns a character
            String name = TerminalText.padded(TerminalText.shown(path), width);
            if (p == null) {
                out.printf(Locale.ROOT, "%s  error: %s%n", name, TerminalText.shown(error));
            } else if (p.notADigit()) {
                out.printf(Locale.ROOT, "%s  %5s  %9s   %s (most like %d, %.1f%%)%s%n", name, "-", "-", NOT_A_DIGIT,
                        p.digit(), 100 * p.confidence(), notSavedTail(notSaved));
            } else {
                int second = p.runnerUp();
                out.printf(Locale.ROOT, "%s  %5d  %9.1f%%  %d (%.1f%%)%s%n", name, p.digit(), 100 * p.confidence(),
                        second, 100 * p.probabilities()[second], notSavedTail(notSaved));
            }
        };
    }

    /**
     * The header {@code file,digit,confidence,error}; the error field is empty when the picture was predicted. With
     * {@code saving} ({@code --save-preprocessed}) a fifth column, {@code not_saved}: empty, or why the picture's
     * 28×28 form was not saved.
     */
    static PredictionRows csv(PrintWriter out, boolean saving) {
        out.println(saving ? "file,digit,confidence,error,not_saved" : "file,digit,confidence,error");
        return (name, p, error, notSaved) -> {
            String row = p == null ? quote(name) + ",,," + quote(error)
                    : p.notADigit() ? quote(name) + ",,," + NOT_A_DIGIT
                    : String.format(Locale.ROOT, "%s,%d,%.4f,", quote(name), p.digit(), p.confidence());
            out.println(saving ? row + "," + (notSaved == null ? "" : quote(notSaved)) : row);
        };
    }

    /** One JSON object per line ({@link JsonRow}). */
    static PredictionRows json(PrintWriter out) {
        ObjectWriter line = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);
        return (name, p, error, notSaved) -> {
            var row = p == null ? new JsonRow(name, null, null, null, null, error, null)
                    : p.notADigit() ? new JsonRow(name, null, p.confidence(), null, p.probabilities(), NOT_A_DIGIT,
                    notSaved)
                    : new JsonRow(name, p.digit(), p.confidence(), p.runnerUp(), p.probabilities(), null, notSaved);
            try {
                out.println(line.writeValueAsString(row));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e); // numbers and strings always serialise
            }
        };
    }

    /**
     * One {@code --json} line: digit to probabilities null when the file failed, error null when it worked; a
     * picture the check refused has digit null, its probabilities, and the error "not a digit". {@code not_saved},
     * only where the picture's 28×28 form could not be saved, says why.
     */
    record JsonRow(String file, Integer digit, Float confidence, Integer runnerUp, float[] probabilities, String error,
                   @JsonInclude(JsonInclude.Include.NON_NULL) String notSaved) {
    }

    /** A text row's tail: "" or why the picture's 28×28 form was not saved. */
    private static String notSavedTail(String notSaved) {
        return notSaved == null ? "" : "  not saved: " + TerminalText.shown(notSaved);
    }

    /**
     * RFC 4180: a field with a comma, quote or line break goes in quotes, its quotes doubled. One starting with = + - @,
     * a tab or a carriage return gets a ' first, as OWASP advises: a spreadsheet read a file named
     * =HYPERLINK(...).png as a formula, quoted or not (a review).
     */
    static String quote(String field) {
        if (!field.isEmpty() && "=+-@\t\r".indexOf(field.charAt(0)) >= 0) field = "'" + field;
        if (field.chars().noneMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r')) return field;
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
