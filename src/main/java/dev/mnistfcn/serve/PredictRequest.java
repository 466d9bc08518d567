package dev.mnistfcn.serve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.mnistfcn.Json;
import dev.mnistfcn.Mnist;
import dev.mnistfcn.digits.DigitImages;
import dev.mnistfcn.predict.DigitClassifier;
import dev.mnistfcn.predict.Prediction;

import java.io.CharConversionException;
import java.io.IOException;
import java.util.Locale;

/**
 * The body of {@code POST /api/predict}: a picture (PNG, JPEG, BMP or GIF, read by the JDK's own decoders), or JSON
 * {@code {"pixels": [784 numbers in 0..1]}} already in MNIST's form. Everything a client can get wrong is an
 * {@link HttpProblem} with its status, or a {@link dev.mnistfcn.UserError} from {@link DigitImages} (400, or 413,
 * 415, 503 for its subclasses: see {@link Routes}).
 */
final class PredictRequest {
    /** The largest body read, in bytes: a phone photo fits; larger ones are refused from Content-Length, unread. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    static final String JSON = "application/json";
    private static final String ACCEPTED = "Send the picture's bytes as image/png, image/jpeg, image/bmp or image/gif "
            + "(curl: --data-binary @digit.png -H 'Content-Type: image/png'), or " + JSON
            + " {\"pixels\": [784 numbers from 0 to 1]}.";

    private PredictRequest() {
    }

    /**
     * The media type of a {@code Content-Type} header, refused with 415 unless it is an image type, JSON or
     * application/octet-stream. No type, text/plain and forms are refused on purpose: those are the types a web page
     * on another site may POST here without the browser asking first (CORS "simple" requests).
     */
    static String acceptedType(String header) {
        String type = mediaType(header);
        if (type.equals(JSON) || type.startsWith("image/") || type.equals("application/octet-stream")) return type;
        if (type.isEmpty()) throw new HttpProblem(415, "The request has no Content-Type. " + ACCEPTED);
        throw new HttpProblem(415, "Content-Type '" + type + "' is not accepted. " + ACCEPTED);
    }

    /** The classifier's answer for a body of an {@link #acceptedType}. */
    static Prediction classify(DigitClassifier classifier, String type, byte[] body) {
        if (body.length == 0) {
            throw new HttpProblem(400, "The request body is empty: send a picture (PNG, JPEG, BMP or GIF) or " + JSON
                    + " {\"pixels\": [784 numbers from 0 to 1]}.");
        }
        if (type.equals(JSON)) return classifier.classify(pixels(body));
        // the picture's decoding memory is held until the classifier is done with it
        return classifier.classify(body, "request body");
    }

    /** {@code image/png; charset=x} → {@code image/png}; no header → empty. */
    static String mediaType(String header) {
        if (header == null) return "";
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    static HttpProblem tooLarge(String size) {
        return new HttpProblem(413, String.format(Locale.ROOT, "The request body is %s, over the limit of %,d bytes "
                + "(10 MiB); scale the picture down first: a digit needs no more than a few hundred pixels a side.",
                size, MAX_BODY_BYTES));
    }

    /**
     * {@code {"pixels": [...]}}: exactly {@value Mnist#PIXELS} JSON numbers from 0 to 1 (white ink on black, row by
     * row); other keys are ignored.
     */
    static float[] pixels(byte[] body) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw pixelsExpected("the body is not a JSON object");
            float[] pixels = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                if (!key.equals("pixels")) {
                    p.skipChildren();
                } else if (pixels != null) { // which one the client meant, no one can say
                    throw pixelsExpected("\"pixels\" is given twice");
                } else if (value != JsonToken.START_ARRAY) {
                    throw pixelsExpected("\"pixels\" is not an array");
                } else {
                    pixels = pixelArray(p);
                }
            }
            if (p.nextToken() != null) throw pixelsExpected("there is more after the JSON object");
            if (pixels == null) throw pixelsExpected("the object has no \"pixels\" key");
            return pixels;
        } catch (JsonProcessingException e) {
            throw pixelsExpected("malformed JSON (" + plain(e) + ")");
        } catch (CharConversionException e) {
            // Jackson takes a body that starts with zero bytes for UTF-32/UTF-16, whose decoder throws this (fuzzed).
            throw pixelsExpected("the body is not text in UTF-8 (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a parser over a byte array does no I/O
        }
    }

    private static float[] pixelArray(JsonParser p) throws IOException {
        float[] pixels = new float[Mnist.PIXELS];
        int n = 0;
        for (JsonToken t; (t = p.nextToken()) != JsonToken.END_ARRAY; n++) {
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                String what = t == JsonToken.VALUE_STRING ? "the string \"" + clip(p.getText()) + "\""
                        : t == JsonToken.START_ARRAY ? "an array" : t == JsonToken.START_OBJECT ? "an object" : p.getText();
                throw pixelsExpected("pixels[" + n + "] is " + what + ", not a number");
            }
            double v = p.getDoubleValue();
            if (!(v >= 0 && v <= 1)) throw pixelsExpected("pixels[" + n + "] is " + clip(p.getText()) + ", outside 0..1");
            if (n < pixels.length) pixels[n] = (float) v;
        }
        if (n != Mnist.PIXELS) throw pixelsExpected("\"pixels\" has " + n + " numbers");
        // As a blank picture is: a digit for it would be a guess (all zeros gave "5" at 32%).
        boolean oneColour = true;
        for (float v : pixels) oneColour &= v == pixels[0];
        if (oneColour) {
            throw new HttpProblem(400, "no digit found: all " + Mnist.PIXELS + " pixels are " + pixels[0] + " (blank or "
                    + "one colour), so there is no ink to read.");
        }
        return pixels;
    }

    /** {@link Json#problem} with where: line and column of the body. */
    static String plain(JsonProcessingException e) {
        var where = e.getLocation();
        return where == null || where.getLineNr() <= 0 ? Json.problem(e)
                : Json.problem(e) + " at line " + where.getLineNr() + ", column " + where.getColumnNr();
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    private static HttpProblem pixelsExpected(String problem) {
        return new HttpProblem(400, "Bad JSON request: " + problem + ". Expected {\"pixels\": [" + Mnist.PIXELS
                + " numbers from 0 to 1]}: a 28×28 picture in MNIST's form (white ink on black), row by row.");
    }
}
