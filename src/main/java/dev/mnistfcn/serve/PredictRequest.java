package dev.mnistfcn.serve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import dev.mnistfcn.Json;
import dev.mnistfcn.Mnist;
import dev.mnistfcn.digits.DigitImages;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.CharConversionException;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * The body of {@code POST /api/predict}: a picture (any type ImageIO reads), or JSON {@code {"pixels": [784 numbers
 * in 0..1]}} already in MNIST's form. Everything a client can get wrong is an {@link HttpProblem} with its status.
 */
final class PredictRequest {
    /** The largest body read, in bytes: a phone photo fits; larger ones are refused from Content-Length, unread. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    static final String JSON = "application/json";
    /** Types ImageIO reads, plus the two that say nothing (the picture's own bytes tell its format then). */
    private static final Set<String> PICTURE_TYPES = pictureTypes();

    private final BufferedImage picture;
    private final float[] pixels;

    private PredictRequest(BufferedImage picture, float[] pixels) {
        this.picture = picture;
        this.pixels = pixels;
    }

    /** The picture, or null for a JSON request. */
    BufferedImage picture() {
        return picture;
    }

    /** The 784 pixels of a JSON request, or null for a picture. */
    float[] pixels() {
        return pixels;
    }

    static PredictRequest read(HttpExchange exchange) throws IOException {
        String type = mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
        boolean json = type.equals(JSON);
        if (!json && !PICTURE_TYPES.contains(type)) {
            throw new HttpProblem(415, "Content-Type '" + type + "' is not accepted. Send the picture's bytes as "
                    + "image/png, image/jpeg, image/bmp or image/gif (curl: --data-binary @digit.png -H "
                    + "'Content-Type: image/png'), or " + JSON + " {\"pixels\": [784 numbers from 0 to 1]}.");
        }
        byte[] body = body(exchange);
        return json ? new PredictRequest(null, pixels(body)) : new PredictRequest(DigitImages.read(body, "request body"), null);
    }

    /** {@code image/png; charset=x} → {@code image/png}; no header → empty (then the bytes are read as a picture). */
    private static String mediaType(String header) {
        if (header == null) return "";
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /**
     * The whole body, refused with 413 before any of it is read when Content-Length says it is too large, or as
     * soon as a body without one (chunked) passes the limit.
     */
    static byte[] body(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.trim().matches("[0-9]{1,18}") && Long.parseLong(length.trim()) > MAX_BODY_BYTES) {
            throw tooLarge(length.trim() + " bytes");
        }
        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) throw tooLarge("more");
        if (body.length == 0) {
            throw new HttpProblem(400, "The request body is empty: send a picture (PNG, JPEG, BMP or GIF) or " + JSON
                    + " {\"pixels\": [784 numbers from 0 to 1]}.");
        }
        return body;
    }

    private static HttpProblem tooLarge(String size) {
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
            throw pixelsExpected("malformed JSON (" + e.getOriginalMessage() + ")");
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
                String what = t == JsonToken.VALUE_STRING ? "the string \"" + clip(p.getText()) + "\"" : p.getText();
                throw pixelsExpected("pixels[" + n + "] is " + what + ", not a number");
            }
            double v = p.getDoubleValue();
            if (!(v >= 0 && v <= 1)) throw pixelsExpected("pixels[" + n + "] is " + clip(p.getText()) + ", outside 0..1");
            if (n < pixels.length) pixels[n] = (float) v;
        }
        if (n != Mnist.PIXELS) throw pixelsExpected("\"pixels\" has " + n + " numbers");
        return pixels;
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    private static HttpProblem pixelsExpected(String problem) {
        return new HttpProblem(400, "Bad JSON request: " + problem + ". Expected {\"pixels\": [" + Mnist.PIXELS
                + " numbers from 0 to 1]}: a 28×28 picture in MNIST's form (white ink on black), row by row.");
    }

    private static Set<String> pictureTypes() {
        var types = new java.util.HashSet<String>();
        for (String t : ImageIO.getReaderMIMETypes()) types.add(t.toLowerCase(Locale.ROOT));
        types.add("image/jpg"); // a common misspelling of image/jpeg
        types.add("application/octet-stream");
        types.add("");
        return Set.copyOf(types);
    }
}
