package dev.mnistfcn.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.Json;
import dev.mnistfcn.ModelProvenance;
import dev.mnistfcn.TestData;
import dev.mnistfcn.TestModels;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.digits.DigitImages;
import dev.mnistfcn.predict.DigitClassifier;
import dev.mnistfcn.predict.Prediction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static dev.mnistfcn.serve.Pictures.canvasPng;
import static dev.mnistfcn.serve.Pictures.floats;
import static dev.mnistfcn.serve.Pictures.json;
import static dev.mnistfcn.serve.Pictures.jsonText;
import static dev.mnistfcn.serve.Pictures.mnistPng;
import static dev.mnistfcn.serve.Pictures.pngHeaderClaiming;
import static dev.mnistfcn.serve.RawHttp.readResponse;
import static dev.mnistfcn.serve.RawHttp.write;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service over real HTTP on 127.0.0.1, with a freshly trained two-layer model ({@link TestModels}) and real MNIST
 * test digits: both request kinds, the model and health endpoints, every bad request, slow and idle clients, 64
 * concurrent clients, and a shutdown with a request in flight.
 */
@Tag("slow") // trains the two-layer test model (TestModels) before the requests (docs/tests.md#test-tiers)
class DigitServerTest {
    /** Answers writes the preprocessed pixels with 4 decimals. */
    static final float PIXEL_ROUNDING = 0.5e-4f + 1e-7f;
    /** The defaults, with header and body deadlines short enough for the slow-client tests to take seconds. */
    static final ServerLimits LIMITS = new ServerLimits(128, 1000, java.time.Duration.ofSeconds(3),
            java.time.Duration.ofSeconds(3), ServerLimits.DEFAULTS.goneRunTime(), java.util.Set.of());
    static DigitClassifier classifier;
    static DigitServer server;
    static HttpClient client;
    static INDArray digits;
    static INDArray labels;

    @BeforeAll
    static void start() {
        classifier = DigitClassifier.load(TestModels.twoLayer(), "auto");
        server = DigitServer.start(classifier, "127.0.0.1", 0, LIMITS);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var test = MnistSplits.loadTest(TestData.mnistDir());
        digits = test.getFeatures();
        labels = test.getLabels();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void jsonPixelsGetTheClassifiersAnswer() throws Exception {
        float[] pixels = pixels(0);
        JsonNode answer = ok(post("application/json", json(pixels)));
        Prediction expected = classifier.classify(pixels);
        assertEquals(expected.digit(), answer.get("digit").asInt());
        assertEquals(label(0), answer.get("digit").asInt(), "the trained model reads test digit 0");
        assertFalse(answer.get("not_a_digit").asBoolean(), "a zip without the check never refuses");
        assertEquals(expected.confidence(), (float) answer.get("confidence").asDouble());
        assertArrayEquals(expected.probabilities(), floats(answer.get("probabilities")));
        assertArrayEquals(pixels, floats(answer.get("preprocessed")), PIXEL_ROUNDING, "JSON pixels are what the model saw");
    }

    @Test
    void pngDigitsAndCanvasPicturesGetTheClassifiersAnswer() throws Exception {
        int right = 0;
        for (int i = 0; i < 20; i++) {
            for (byte[] png : List.of(mnistPng(pixels(i)), canvasPng(pixels(i)))) {
                JsonNode answer = ok(post("image/png", png));
                Prediction expected = classifier.classify(DigitImages.read(png, "test"));
                assertEquals(expected.digit(), answer.get("digit").asInt());
                assertArrayEquals(expected.probabilities(), floats(answer.get("probabilities")));
                assertArrayEquals(expected.preprocessed(), floats(answer.get("preprocessed")), PIXEL_ROUNDING);
                assertEquals(784, answer.get("preprocessed").size());
                if (expected.digit() == label(i)) right++;
            }
        }
        assertTrue(right >= 36, right + " of 40 MNIST test digits read right through PNG posts");
    }

    @Test
    void modelHealthAndPage() throws Exception {
        JsonNode model = ok(get("/api/model"));
        assertEquals(TestModels.twoLayer().toString(), model.get("file").asText());
        assertEquals(218_058, model.get("parameters").asLong());
        assertEquals(TestModels.twoLayerTestAccuracy(), model.get("test_accuracy").asDouble(), 1e-12);
        assertEquals(classifier.info().architecture(), model.get("architecture").asText());
        assertEquals("fused", model.get("engine").asText());
        // The zip's provenance record, as metrics.json has it (issue 28).
        assertEquals(classifier.info().provenance(), Json.MAPPER.treeToValue(model.get("provenance"), ModelProvenance.class));
        assertEquals("two-layer", model.get("provenance").get("run").asText());
        assertFalse(model.get("not_a_digit_check").asBoolean());
        assertEquals("ok", ok(get("/health")).get("status").asText());
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(page.body().contains("<canvas"), page.body());
    }

    /** Each bad request: its status, and a JSON error that says what was wrong; the server answers on. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty body            | POST | /api/predict | image/png        | 400 | empty",
            "empty JSON body       | POST | /api/predict | application/json | 400 | empty",
            "unsupported type      | POST | /api/predict | text/plain       | 415 | 'text/plain' is not accepted",
            "form upload           | POST | /api/predict | multipart/form-data; boundary=x | 415 | image/png",
            "malformed JSON        | POST | /api/predict | application/json | 400 | malformed JSON",
            "783 numbers           | POST | /api/predict | application/json | 400 | has 783 numbers",
            "785 numbers           | POST | /api/predict | application/json | 400 | has 785 numbers",
            "NaN                   | POST | /api/predict | application/json | 400 | malformed JSON",
            "a string              | POST | /api/predict | application/json | 400 | the string \"0.5\", not a number",
            "null                  | POST | /api/predict | application/json | 400 | null, not a number",
            "over 1                | POST | /api/predict | application/json | 400 | 1.5, outside 0..1",
            "negative              | POST | /api/predict | application/json | 400 | -0.25, outside 0..1",
            "huge number           | POST | /api/predict | application/json | 400 | outside 0..1",
            "no pixels key         | POST | /api/predict | application/json | 400 | no \"pixels\" key",
            "pixels twice          | POST | /api/predict | application/json | 400 | \"pixels\" is given twice",
            "not an object         | POST | /api/predict | application/json | 400 | not a JSON object",
            "text as PNG           | POST | /api/predict | image/png        | 400 | not an image",
            "truncated PNG         | POST | /api/predict | image/png        | 400 | truncated",
            "pixel bomb            | POST | /api/predict | image/png        | 400 | 20,000×20,000",
            "blank canvas          | POST | /api/predict | image/png        | 400 | no digit found",
            "unknown path          | GET  | /api/nothing |                  | 404 | No such page",
            "GET predict           | GET  | /api/predict |                  | 405 | use POST",
            "POST model            | POST | /api/model   | application/json | 405 | use GET",
            "DELETE page           | DELETE | /          |                  | 405 | use GET",
    })
    void badRequestsGetAJsonErrorWithTheirStatus(String name, String method, String path, String type, int status,
                                                 String says) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(server.uri().resolve(path)).timeout(java.time.Duration.ofSeconds(30));
        byte[] body = badBody(name);
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (type != null) r.header("Content-Type", type);
        HttpResponse<String> response = client.send(r.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        String error = Json.MAPPER.readTree(response.body()).get("error").asText();
        assertTrue(error.contains(says), "error for " + name + ": " + error);
        if (status == 405) assertTrue(response.headers().firstValue("Allow").isPresent());
        assertEquals("ok", ok(get("/health")).get("status").asText(), "the server answers on");
    }

    private static byte[] badBody(String name) {
        float[] p = pixels(1);
        return switch (name) {
            case "empty body", "empty JSON body", "unknown path", "GET predict", "DELETE page" -> null;
            case "unsupported type", "form upload" -> "hello".getBytes(StandardCharsets.UTF_8);
            case "malformed JSON" -> "{\"pixels\": [0, 0.5,".getBytes(StandardCharsets.UTF_8);
            case "783 numbers" -> json(Arrays.copyOf(p, 783));
            case "785 numbers" -> json(Arrays.copyOf(p, 785));
            case "NaN" -> json(jsonText(p).replace("[0.0", "[NaN")); // a digit's top-left pixel is 0
            case "a string" -> json(jsonText(p).replace("[0.0", "[\"0.5\""));
            case "null" -> json(jsonText(p).replace("[0.0", "[null"));
            case "over 1" -> json(jsonText(p).replace("[0.0", "[1.5"));
            case "negative" -> json(jsonText(p).replace("[0.0", "[-0.25"));
            case "huge number" -> json(jsonText(p).replace("[0.0", "[1e999"));
            case "no pixels key" -> "{\"pixel\": [0]}".getBytes(StandardCharsets.UTF_8);
            case "pixels twice" -> json(jsonText(p).replace("}", ", \"pixels\": " + jsonText(pixels(2)).substring(
                    jsonText(pixels(2)).indexOf('['))));
            case "not an object", "POST model" -> "[0, 1]".getBytes(StandardCharsets.UTF_8);
            case "text as PNG" -> "this is not a picture".getBytes(StandardCharsets.UTF_8);
            case "truncated PNG" -> Arrays.copyOf(canvasPng(pixels(1)), 200);
            case "pixel bomb" -> pngHeaderClaiming(20_000, 20_000);
            case "blank canvas" -> DigitImages.png(new BufferedImage(280, 280, BufferedImage.TYPE_INT_RGB));
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** A body over the limit, announced by Content-Length: refused before any of it is sent. */
    @Test
    void overSizeBodyIsRefusedFromItsContentLength() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.uri().getPort())) {
            s.setSoTimeout(10_000);
            write(s, "POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: "
                    + (PredictRequest.MAX_BODY_BYTES + 1) + "\r\n\r\n");
            String response = readResponse(s);
            assertTrue(response.startsWith("HTTP/1.1 413 "), response);
            assertTrue(response.contains("\"error\":\"The request body is 10485761 bytes, over the limit of 10,485,760"),
                    response);
        }
    }

    /** A chunked body (no Content-Length) is refused once it passes the limit, not read to its end. */
    @Test
    void overSizeChunkedBodyIsRefusedAtTheLimit() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.uri().getPort())) {
            s.setSoTimeout(10_000);
            write(s, "POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = new byte[64 * 1024];
            String head = Integer.toHexString(chunk.length) + "\r\n";
            OutputStream out = s.getOutputStream();
            for (long sent = 0; sent <= PredictRequest.MAX_BODY_BYTES; sent += chunk.length) {
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // within what the server drains after the limit
            out.flush();
            String response = readResponse(s);
            assertTrue(response.startsWith("HTTP/1.1 413 "), response);
            // It said "The request body is more, over the limit".
            assertTrue(java.util.regex.Pattern.compile("\"The request body is 10,[0-9]{3},[0-9]{3} bytes so far, over the "
                    + "limit").matcher(response).find(), response);
        }
    }

    /** A client that stops half-way through its headers is disconnected after the header deadline; others are answered. */
    @Test
    void slowAndIdleClientsAreDisconnected() throws Exception {
        long limit = LIMITS.headerTime().toSeconds();
        try (Socket slow = new Socket("127.0.0.1", server.uri().getPort());
             Socket idle = new Socket("127.0.0.1", server.uri().getPort())) {
            long start = System.nanoTime();
            write(slow, "POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty");
            slow.setSoTimeout((int) (limit * 1000 + 5000));
            idle.setSoTimeout((int) (limit * 1000 + 5000));
            assertEquals(200, get("/health").statusCode(), "answered while the slow client waits");
            assertClosed(slow);
            assertClosed(idle);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(seconds >= limit - 1, "disconnected after " + seconds + " s, header deadline " + limit + " s");
        }
    }

    private static void assertClosed(Socket s) throws IOException {
        try {
            assertEquals(-1, s.getInputStream().read(), "the server closed the connection");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open", e);
        } catch (IOException reset) {
            // closed with a reset: closed all the same
        }
    }

    /**
     * 64 clients at once, each posting MNIST test digits as JSON, 28×28 PNGs and 280×280 canvas PNGs: every answer
     * is the one the classifier gives for that input alone.
     */
    @Test
    void sixtyFourConcurrentClientsGetCorrectAnswers() throws Exception {
        int clients = 64;
        int perClient = 12;
        int inputs = 48;
        List<byte[]> bodies = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<Integer> expected = new ArrayList<>();
        List<float[]> expectedProbabilities = new ArrayList<>();
        for (int i = 0; i < inputs; i++) {
            float[] p = pixels(100 + i);
            byte[] body = switch (i % 3) {
                case 0 -> json(p);
                case 1 -> mnistPng(p);
                default -> canvasPng(p);
            };
            Prediction alone = i % 3 == 0 ? classifier.classify(p) : classifier.classify(DigitImages.read(body, "test"));
            bodies.add(body);
            types.add(i % 3 == 0 ? "application/json" : "image/png");
            expected.add(alone.digit());
            expectedProbabilities.add(alone.probabilities());
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        HttpClient shared = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(); // own threads
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        CyclicBarrier together = new CyclicBarrier(clients);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    together.await();
                    for (int k = 0; k < perClient; k++) {
                        int i = (client * 7 + k * 5) % inputs;
                        HttpResponse<String> r = shared.send(HttpRequest.newBuilder(server.uri().resolve("/api/predict"))
                                .header("Content-Type", types.get(i)).timeout(java.time.Duration.ofSeconds(60))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i))).build(),
                                HttpResponse.BodyHandlers.ofString());
                        JsonNode answer = r.statusCode() == 200 ? Json.MAPPER.readTree(r.body()) : null;
                        if (answer == null || answer.get("digit").asInt() != expected.get(i)
                                || !Arrays.equals(expectedProbabilities.get(i), floats(answer.get("probabilities")))) {
                            wrong.add("input " + i + ": " + r.statusCode() + " " + r.body().substring(0, Math.min(80, r.body().length())));
                        }
                    }
                    return perClient;
                }));
            }
            int answered = 0;
            for (Future<Integer> f : done) answered += f.get(5, TimeUnit.MINUTES);
            assertEquals(clients * perClient, answered);
        } finally {
            pool.shutdownNow();
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " wrong answers, e.g. " + wrong.stream().limit(3).toList());
    }

    /**
     * close() lets a request whose body is still arriving finish and be answered, even after a pause longer than the
     * second an idle connection gets (it failed with Jetty's "Idle timeout expired" before), then refuses
     * connections; a new request on a kept-alive connection meanwhile is told the server is stopping (it was told it
     * was not HTTP), and a kept-alive connection that sends nothing does not hold the stop.
     */
    @Test
    void closeLetsARequestInFlightFinish() throws Exception {
        DigitServer own = DigitServer.start(classifier, "127.0.0.1", 0);
        byte[] png = canvasPng(pixels(7));
        String health = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", own.uri().getPort());
             Socket kept = new Socket("127.0.0.1", own.uri().getPort());
             Socket silent = new Socket("127.0.0.1", own.uri().getPort())) {
            s.setSoTimeout(20_000);
            kept.setSoTimeout(20_000);
            write(kept, health);
            assertTrue(readResponse(kept).startsWith("HTTP/1.1 200 "));
            write(silent, health);
            assertTrue(readResponse(silent).startsWith("HTTP/1.1 200 ")); // and then nothing more on it
            write(s, "POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: " + png.length + "\r\n\r\n");
            s.getOutputStream().write(png, 0, png.length / 2);
            s.getOutputStream().flush();
            Thread.sleep(300); // the request is being read by now
            CompletableFuture<Void> closing = CompletableFuture.runAsync(own::close);
            Thread.sleep(500);
            assertFalse(closing.isDone(), "close() waits for the request in flight");
            write(kept, health);
            String stopping = readResponse(kept);
            assertTrue(stopping.startsWith("HTTP/1.1 503 ") && stopping.contains("Retry-After: 1") && stopping.endsWith(
                    "{\"error\":\"The server is stopping and takes no new requests (503 Service Unavailable); try again in "
                    + "a moment.\"}"), stopping);
            Thread.sleep(DigitServer.STOP_IDLE_MILLIS + 500); // the body's pause: longer than an idle connection's
            s.getOutputStream().write(png, png.length / 2, png.length - png.length / 2);
            s.getOutputStream().flush();
            String response = readResponse(s);
            assertTrue(response.startsWith("HTTP/1.1 200 "), response);
            assertTrue(response.contains("\"digit\":" + classifier.classify(DigitImages.read(png, "t")).digit()), response);
            long answered = System.nanoTime();
            closing.get(30, TimeUnit.SECONDS);
            long after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered);
            assertTrue(after < 3_000, "the silent kept-alive connection held the stop " + after + " ms after the answer");
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", own.uri().getPort()).close());
        own.close(); // a second close does nothing
    }

    @Test
    void aTakenPortIsAUserError() {
        var e = assertThrows(dev.mnistfcn.UserError.class,
                () -> DigitServer.start(classifier, "127.0.0.1", server.uri().getPort()));
        assertTrue(e.getMessage().contains("--port"), e.getMessage());
    }

    // --- requests ---

    static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String type, byte[] body) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri().resolve("/api/predict")).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode ok(HttpResponse<String> r) throws IOException {
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        return Json.MAPPER.readTree(r.body());
    }

    // --- inputs ---

    static float[] pixels(int i) {
        return digits.getRow(i).toFloatVector();
    }

    static int label(int i) {
        return labels.getRow(i).argMax().getInt(0);
    }
}
