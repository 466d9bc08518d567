package dev.mnistfcn.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.Json;
import dev.mnistfcn.TestData;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.digits.DeepPngs;
import dev.mnistfcn.digits.DigitImages;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.network.NetworkFactory;
import dev.mnistfcn.predict.DigitClassifier;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.RunProgress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile clients over real sockets on 127.0.0.1 (issue 24): slow headers and bodies, too many connections from one
 * address, pixel-depth bombs, formats we do not read, foreign Host headers, cross-site content types, oversized
 * bodies sent blind. The model is untrained: these are about the server, not the answers.
 */
class ServerAbuseTest {
    /** Deadlines of seconds, for the slow-client tests; a deleted run's stream ends after 1 s (10 s by default). */
    static final ServerLimits LIMITS = new ServerLimits(128, 1000, Duration.ofSeconds(3), Duration.ofSeconds(3),
            Duration.ofSeconds(1), Set.of("digits.example"));
    @TempDir
    static Path dir;
    static DigitClassifier classifier;
    static DigitServer server;
    static HttpClient client;

    @BeforeAll
    static void start() throws IOException {
        Path zip = dir.resolve("model.zip");
        ModelFiles.save(NetworkFactory.build(ConfigLoader.load(Path.of("config/two-layer.yaml"),
                Map.of("data.dir", TestData.mnistDir().toString()))), zip, false, null);
        classifier = DigitClassifier.load(zip, "auto");
        server = DigitServer.start(classifier, "127.0.0.1", 0, LIMITS);
    }

    /**
     * A client per test: a connection pooled by an earlier test may be one the server has since closed as idle (its
     * deadlines here are 3 s), and a POST sent on it failed with "header parser received no bytes" (seen once).
     */
    @BeforeEach
    void newClient() {
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * 32 clients trickling their headers and 32 their bodies, a byte every 300 ms, all from 127.0.0.1: /health and a
     * prediction are answered while they are connected, and each is cut off at its deadline (the body with a 408).
     */
    @Test
    void slowClientsAreCutOffAndOthersAnsweredMeanwhile() throws Exception {
        ScheduledExecutorService trickle = Executors.newScheduledThreadPool(2);
        List<Socket> heads = new ArrayList<>();
        List<Socket> bodies = new ArrayList<>();
        try {
            for (int i = 0; i < 32; i++) {
                Socket h = RawHttp.connect(server, "127.0.0.1");
                RawHttp.write(h, "POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
                heads.add(h);
                Socket b = RawHttp.connect(server, "127.0.0.1");
                RawHttp.write(b, "POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
                        + "Content-Length: 1000\r\n\r\n");
                bodies.add(b);
            }
            List<Socket> all = new ArrayList<>(heads);
            all.addAll(bodies);
            trickle.scheduleAtFixedRate(() -> {
                for (Socket s : all) {
                    try {
                        s.getOutputStream().write('a');
                    } catch (IOException closed) {
                        // cut off: what this test expects
                    }
                }
            }, 300, 300, TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                long t = System.nanoTime();
                HttpResponse<String> health = get("/health");
                assertEquals(200, health.statusCode());
                assertTrue(System.nanoTime() - t < 2_000_000_000L, "/health took " + (System.nanoTime() - t) / 1e6 + " ms");
            }
            HttpResponse<String> predicted = post("application/json", json(stroke()));
            assertEquals(200, predicted.statusCode(), predicted.body());
            assertTrue(System.nanoTime() - start < 3_000_000_000L, "answered while the slow clients were connected");
            for (Socket s : heads) assertTrue(RawHttp.closedWithin(s, 10_000), "a slow-header client was cut off");
            String answer = RawHttp.readResponse(bodies.get(0));
            assertTrue(answer.startsWith("HTTP/1.1 408 ") && answer.contains("did not arrive within 3 s"), answer);
            for (Socket s : bodies) assertTrue(RawHttp.closedWithin(s, 10_000), "a slow-body client was cut off");
        } finally {
            trickle.shutdownNow();
            for (Socket s : heads) s.close();
            for (Socket s : bodies) s.close();
        }
        assertEquals(200, get("/health").statusCode());
    }

    /** Beyond the per-address limit, new connections are closed at once; other addresses are served. */
    @Test
    void connectionsPerClientAddressAreCapped() throws Exception {
        try (DigitServer own = DigitServer.start(classifier, "127.0.0.1", 0,
                new ServerLimits(4, 1000, Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(10), Set.of()))) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) sockets.add(RawHttp.connect(own, "127.0.0.3"));
                int closed = 0;
                for (Socket s : sockets) if (RawHttp.closedWithin(s, 1000)) closed++;
                assertEquals(2, closed, "two of six closed");
                assertEquals(4, own.connections(InetAddress.getByName("127.0.0.3")));
                try (Socket other = RawHttp.connect(own, "127.0.0.4")) {
                    RawHttp.write(other, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    assertTrue(RawHttp.readResponse(other).startsWith("HTTP/1.1 200 "), "another address is served");
                }
            } finally {
                for (Socket s : sockets) s.close();
            }
        }
    }

    /** 16 at once of a 233 KB PNG that is 240 MB decoded: each refused by its size in bytes, none "damaged". */
    @Test
    void pixelDepthBombsGetASizeMessage() throws Exception {
        byte[] bomb = DeepPngs.rgba16(30_000_000, 1);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            answers.add(client.sendAsync(HttpRequest.newBuilder(server.uri().resolve("/api/predict"))
                    .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(bomb)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (var a : answers) {
            HttpResponse<String> r = a.get(60, TimeUnit.SECONDS);
            assertTrue(r.statusCode() == 413 || r.statusCode() == 503, r.statusCode() + " " + r.body());
            String error = error(r);
            assertTrue(error.contains("30,000,000×1 pixels") && error.contains("MiB"), error);
            assertFalse(error.contains("damaged"), error);
        }
        assertEquals(200, get("/health").statusCode());
    }

    @Test
    void onlyPngJpegBmpAndGifAreRead() throws Exception {
        var tiff = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(new BufferedImage(40, 40, BufferedImage.TYPE_BYTE_GRAY), "tiff", tiff));
        HttpResponse<String> r = post("application/octet-stream", tiff.toByteArray());
        assertEquals(415, r.statusCode(), r.body());
        assertTrue(error(r).contains("a TIFF picture; this service reads PNG, JPEG, BMP or GIF only"), r.body());
        BufferedImage digit = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        digit.getRaster().setSample(14, 14, 0, 255);
        assertEquals(200, post("application/octet-stream", DigitImages.png(digit)).statusCode(), "a PNG as octet-stream");
    }

    /** DNS rebinding: a name that is not ours is refused; localhost, addresses and --allow-host names are served. */
    @Test
    void foreignHostHeadersAreRefused() throws Exception {
        int port = server.uri().getPort();
        String foreign = RawHttp.get(server, "/api/model", "evil.example:" + port);
        assertTrue(foreign.startsWith("HTTP/1.1 403 "), foreign);
        assertTrue(foreign.contains("Host 'evil.example:" + port + "' is not a name of this server")
                && foreign.contains("--allow-host") && !foreign.contains("model.zip"), foreign);
        for (String host : List.of("localhost:" + port, "127.0.0.1:" + port, "127.0.0.1", "[::1]:" + port,
                "[::ffff:127.0.0.1]", "digits.example", "DIGITS.example.:" + port)) {
            assertTrue(RawHttp.get(server, "/api/model", host).startsWith("HTTP/1.1 200 "), host);
        }
        // Brackets are not an IPv6 address in themselves: a review found HostCheck taking "[anything]" for one (Jetty
        // refuses that header before it, so here the check itself)
        var check = new HostCheck("127.0.0.1", java.util.Set.of());
        for (String bracketed : List.of("[evil.example]", "[evil.example]:" + port, "[]")) {
            assertTrue(check.refusal(bracketed) != null, bracketed);
        }
        assertEquals(null, check.refusal("[::1]:" + port));
    }

    /** A malformed or doubled Host header is Jetty's 400, and a flood of them writes nothing to the log. */
    @Test
    void malformedHostHeadersAreNotLogged() throws Exception {
        var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var logged = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        logged.start();
        root.addAppender(logged);
        try {
            for (int i = 0; i < 20; i++) {
                for (String host : List.of("a b", "[::1", "[x:y:z]", "a:b:c", "localhost\r\nHost: other")) {
                    assertTrue(RawHttp.get(server, "/api/model", host + i).startsWith("HTTP/1.1 400 "), host);
                }
            }
        } finally {
            root.detachAppender(logged);
        }
        assertEquals(List.of(), logged.list.stream().map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList());
    }

    /** The types a page on another site may POST without a preflight (CORS "simple" requests) are refused. */
    @Test
    void predictNeedsAnImageOrJsonType() throws Exception {
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
            HttpResponse<String> r = post(type, json(stroke()));
            assertEquals(415, r.statusCode(), type);
            assertTrue(error(r).contains("'" + type.split(";")[0] + "' is not accepted"), r.body());
        }
        try (Socket s = RawHttp.connect(server, "127.0.0.1")) {
            RawHttp.write(s, RawHttp.request("POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1", json(stroke())));
            String answer = RawHttp.readResponse(s);
            assertTrue(answer.startsWith("HTTP/1.1 415 ") && answer.contains("no Content-Type"), answer);
        }
    }

    /** Jetty's own refusals are JSON too; HEAD is answered without a body. */
    @Test
    void malformedRequestsGetJsonAndHeadHasNoBody() throws Exception {
        try (Socket s = RawHttp.connect(server, "127.0.0.1")) {
            RawHttp.write(s, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
            String answer = RawHttp.readResponse(s);
            assertTrue(answer.startsWith("HTTP/1.1 431 ") && answer.contains("{\"error\":\"The request is not HTTP"),
                    answer);
        }
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(server.uri().resolve("/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }

    /**
     * URLs whose run name is empty were cut with a negative length (a 500); a run may be called report.html or
     * events, as its URLs then read; a trailing slash is the same run on the API as on the page.
     */
    @Test
    void runsUrlsWithoutANameAre404AndOddNamesAreRuns(@TempDir Path runs) throws Exception {
        for (String name : new String[]{"report.html", "events", "plain"}) {
            Files.createDirectories(runs.resolve(name));
            Files.writeString(runs.resolve(name).resolve("progress.jsonl"), "");
        }
        try (DigitServer s = DigitServer.start(classifier, "127.0.0.1", 0, LIMITS, runs)) {
            for (String path : new String[]{"/api/runs//events", "/runs//report.html"}) { // Jetty: an empty segment
                assertTrue(RawHttp.get(s, path, "127.0.0.1").startsWith("HTTP/1.1 400 "), path);
            }
            for (String name : new String[]{"events", "plain/"}) { // an empty progress file: nothing to show yet
                String answer = RawHttp.get(s, "/api/runs/" + name, "127.0.0.1");
                assertTrue(answer.startsWith("HTTP/1.1 404 ") && answer.contains("Run " + name.replace("/", "")
                        + " has no readable progress"), answer);
            }
            // With a trailing slash, the run's events: not the run "plain/events" (a review found it 404 as such)
            String events = RawHttp.get(s, "/api/runs/plain/events/", "127.0.0.1");
            assertTrue(events.startsWith("HTTP/1.1 404 ") && events.contains("Run plain has no readable progress"), events);
            assertTrue(RawHttp.get(s, "/runs/report.html", "127.0.0.1").startsWith("HTTP/1.1 200 "), "the run's page");
            assertTrue(RawHttp.get(s, "/runs/nothing-here", "127.0.0.1").startsWith("HTTP/1.1 404 "));
            // Percent-encoded names are the same runs (they were 404); an encoded '/' or a way out stays refused
            String encoded = RawHttp.get(s, "/api/runs/pl%61in%2D", "127.0.0.1");
            assertTrue(encoded.startsWith("HTTP/1.1 404 ") && encoded.contains("No run or sweep 'plain-'"), encoded);
            String plain = RawHttp.get(s, "/api/runs/%70lain", "127.0.0.1");
            assertTrue(plain.startsWith("HTTP/1.1 404 ") && plain.contains("Run plain has no readable progress"), plain);
            assertTrue(RawHttp.get(s, "/runs/%72eport.html", "127.0.0.1").startsWith("HTTP/1.1 200 "));
            for (String path : new String[]{"/api/runs/plain%2Fx", "/api/runs/%2E%2E/%2E%2E/etc", "/runs/..%2Fplain"}) {
                String answer = RawHttp.get(s, path, "127.0.0.1");
                assertTrue(answer.startsWith("HTTP/1.1 400 ") || answer.startsWith("HTTP/1.1 404 "), path + ": " + answer);
            }
        }
    }

    /**
     * A live run's event stream: its headers come at once (not with the first ping, 10 s later), and a stopping
     * server ends it rather than waiting out its grace period for a run that may train for hours. A progress file
     * that cannot be read is the snapshot's 404, not a stream that never ends.
     */
    @Test
    void eventStreamsStartAtOnceAndEndWhenTheServerStops(@TempDir Path runs) throws Exception {
        RunProgress.start(runs.resolve("live"), new RunProgress.Started("live", "784-16-10", 20, 50, "fused",
                "adam lr 0.01", RunProgress.pid(), RunProgress.host(), java.time.Instant.now().toString()), List.of());
        Files.createDirectories(runs.resolve("broken"));
        Files.writeString(runs.resolve("broken").resolve("progress.jsonl"), "not json\n");
        DigitServer s = DigitServer.start(classifier, "127.0.0.1", 0, LIMITS, runs);
        try (Socket stream = RawHttp.connect(s, "127.0.0.1")) {
            String broken = RawHttp.get(s, "/api/runs/broken/events", "127.0.0.1");
            assertTrue(broken.startsWith("HTTP/1.1 404 ") && broken.contains("has no readable progress file"), broken);
            RawHttp.write(stream, "GET /api/runs/live/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            stream.setSoTimeout(5_000); // half the ping's interval: the headers must not wait for it
            String head = RawHttp.readResponse(stream);
            assertTrue(head.startsWith("HTTP/1.1 200 ") && head.contains("text/event-stream"), head);
            long start = System.nanoTime();
            s.close();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < TimeUnit.SECONDS.toMillis(DigitServer.GRACE_SECONDS), "closed in " + millis + " ms, "
                    + "not after the " + DigitServer.GRACE_SECONDS + " s grace period");
            assertTrue(RawHttp.closedWithin(stream, 1_000), "the stream ended");
        } finally {
            s.close();
        }
    }

    /**
     * A report is streamed from disk, byte for byte, with its length and its sandbox; many clients at once each get
     * all of it (each answer was read whole into the heap first: 24 clients of a 60 MB report ran a 1 GB heap out).
     */
    @Test
    void reportsAreStreamedWhole(@TempDir Path runs) throws Exception {
        Path run = Files.createDirectories(runs.resolve("big"));
        Files.writeString(run.resolve("progress.jsonl"), "");
        byte[] report = new byte[8 << 20];
        new java.util.Random(1).nextBytes(report);
        Files.write(run.resolve("report.html"), report);
        try (DigitServer s = DigitServer.start(classifier, "127.0.0.1", 0, LIMITS, runs)) {
            var get = HttpRequest.newBuilder(s.uri().resolve("/runs/big/report.html")).build();
            List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
            for (int i = 0; i < 16; i++) all.add(client.sendAsync(get, HttpResponse.BodyHandlers.ofByteArray()));
            for (var answer : all) {
                HttpResponse<byte[]> r = answer.get(60, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode());
                assertEquals(String.valueOf(report.length), r.headers().firstValue("content-length").orElseThrow());
                assertEquals("sandbox allow-scripts", r.headers().firstValue("content-security-policy").orElseThrow());
                assertTrue(java.util.Arrays.equals(report, r.body()), "the file's bytes");
            }
            HttpResponse<String> head = client.send(HttpRequest.newBuilder(get.uri()).method("HEAD",
                    HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
        }
    }

    /** A bug of ours is a 500 that says so and no more: the detail goes to the log, not to the client. */
    @Test
    void internalErrorsAreGeneric() throws Exception {
        try (DigitServer broken = DigitServer.start(null, "127.0.0.1", 0, LIMITS)) { // no classifier: a NullPointerException
            String answer = RawHttp.get(broken, "/api/model", "127.0.0.1");
            assertTrue(answer.startsWith("HTTP/1.1 500 "), answer);
            assertTrue(answer.endsWith("{\"error\":\"Internal error; the server's log has the details.\"}"), answer);
        }
    }

    /**
     * Request bodies share one budget ({@link BodyBudget}; 64 slow 10 MiB uploads ran the heap out): with 11 bodies of
     * almost 10 MiB held from four addresses, a fourth from an address that holds three is refused (one address may
     * hold a quarter: from one address, 13 such bodies locked every other client out), so is a large body from a
     * fifth, which would take the reserve kept for small ones, but a small picture is read, even from the first address
     * (a share for small bodies too made four stalled uploads lock out every client of the default bind, all of them
     * 127.0.0.1). Once answered, the budget is whole again.
     */
    @Test
    void requestBodiesHeldAtOnceHaveABudget() throws Exception {
        var slowBodies = new ServerLimits(128, 1000, Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(10), Set.of());
        int size = (10 << 20) - 4096;
        String head = "POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: "
                + size + "\r\n\r\n";
        byte[] allButOne = new byte[size - 1];
        List<Socket> held = new ArrayList<>();
        try (DigitServer s = DigitServer.start(classifier, "127.0.0.1", 0, slowBodies)) {
            for (int i = 0; i < 11; i++) {
                Socket c = RawHttp.connect(s, "127.0.0." + (i % 4 + 1));
                held.add(c);
                RawHttp.write(c, head);
                RawHttp.write(c, allButOne);
                long expected = (i + 1L) * (size - 1);
                awaitTrue(() -> s.bodyBytesHeld() == expected, "body " + i + " read: " + s.bodyBytesHeld());
            }
            for (String[] over : new String[][]{{"127.0.0.1", "Your address has 30.0 MiB of other request bodies"},
                    {"127.0.0.5", "The server holds 110.0 MiB of other request bodies now"}}) {
                try (Socket c = RawHttp.connect(s, over[0])) {
                    RawHttp.write(c, head);
                    RawHttp.write(c, allButOne); // read and dropped (up to 16 MiB or 2 s), then the answer
                    String answer = RawHttp.readResponse(c);
                    assertTrue(answer.startsWith("HTTP/1.1 503 ") && answer.contains(over[1])
                            && answer.contains("Retry-After: 1"), answer);
                }
            }
            try (Socket small = RawHttp.connect(s, "127.0.0.1")) { // from an address whose large share is full, too
                RawHttp.write(small, RawHttp.request("POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                        + "image/png", new byte[200_000]));
                String answer = RawHttp.readResponse(small);
                assertTrue(answer.startsWith("HTTP/1.1 400 "), answer); // read whole: not a PNG
            }
            for (Socket c : held) {
                RawHttp.write(c, new byte[1]);
                String answer = RawHttp.readResponse(c);
                assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            }
            awaitTrue(() -> s.bodyBytesHeld() == 0, "all given back: " + s.bodyBytesHeld());
        } finally {
            for (Socket c : held) c.close();
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(10);
        }
    }

    /**
     * A client that sends its whole 11 MiB body before reading (Python's urllib) reads the 413, not a reset; one that
     * asks first with {@code Expect: 100-continue} gets the 413 instead of the 100.
     */
    @Test
    void anOversizedBodysAnswerIsRead() throws Exception {
        byte[] body = new byte[11 << 20];
        try (Socket s = RawHttp.connect(server, "127.0.0.1")) {
            RawHttp.write(s, RawHttp.request("POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png", body));
            String answer = RawHttp.readResponse(s);
            assertTrue(answer.startsWith("HTTP/1.1 413 ") && answer.contains("The request body is 11534336 bytes, over "
                    + "the limit of 10,485,760 bytes"), answer);
        }
        try (Socket s = RawHttp.connect(server, "127.0.0.1")) {
            RawHttp.write(s, "POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
                    + "Expect: 100-continue\r\nContent-Length: " + body.length + "\r\n\r\n");
            String answer = RawHttp.readResponse(s);
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
        }
    }

    /**
     * Refused before its body was read (a wrong type, path, method or Host), a request sent whole before its answer is
     * read (Python's http.client) gets the JSON refusal, not a broken pipe: the body is drained first, as for a 413.
     */
    @Test
    void refusalsBeforeTheBodyAreReadByClientsThatSendItAll() throws Exception {
        byte[] body = new byte[5 << 20];
        Map<String, String> refusals = Map.of(
                "POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain", "HTTP/1.1 415 ",
                "POST /api/nope HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png", "HTTP/1.1 404 ",
                "POST /api/model HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png", "HTTP/1.1 405 ",
                "POST /api/predict HTTP/1.1\r\nHost: evil.example\r\nContent-Type: image/png", "HTTP/1.1 403 ");
        for (var refusal : refusals.entrySet()) {
            try (Socket s = RawHttp.connect(server, "127.0.0.1")) {
                RawHttp.write(s, RawHttp.request(refusal.getKey(), body));
                String answer = RawHttp.readResponse(s);
                assertTrue(answer.startsWith(refusal.getValue()) && answer.contains("{\"error\":"),
                        refusal.getKey() + " -> " + answer);
                // a drain may stop short of a longer body, and the connection is then closed: the answer says so
                assertTrue(answer.contains("Connection: close"), answer);
            }
        }
    }

    /**
     * A HEAD of a live run's event stream is its headers only: streamed, each took one of the 64 slots until the run
     * ended (a client that left was never noticed), and 64 HEADs closed the live view to everyone. Then the 64 slots
     * all open, and the 65th stream is a 503.
     */
    @Test
    void headsOfAnEventStreamHoldNoSlot(@TempDir Path runs) throws Exception {
        RunProgress.start(runs.resolve("live"), running("live"), List.of());
        try (DigitServer s = DigitServer.start(classifier, "127.0.0.1", 0, LIMITS, runs)) {
            for (int i = 0; i < RunsRoutes.MAX_STREAMS + 8; i++) {
                try (Socket c = RawHttp.connect(s, "127.0.0.1")) {
                    RawHttp.write(c, "HEAD /api/runs/live/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    String head = RawHttp.readResponse(c);
                    assertTrue(head.startsWith("HTTP/1.1 200 ") && head.contains("text/event-stream"), i + ": " + head);
                }
            }
            // every slot still free: 64 GET streams open, and the 65th gets its 503 (a review: it hung, unanswered)
            List<Socket> streams = new ArrayList<>();
            try {
                for (int i = 0; i <= RunsRoutes.MAX_STREAMS; i++) {
                    Socket stream = RawHttp.connect(s, "127.0.0.1");
                    streams.add(stream);
                    RawHttp.write(stream, "GET /api/runs/live/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    stream.setSoTimeout(5_000);
                    String head = RawHttp.readResponse(stream);
                    boolean over = i == RunsRoutes.MAX_STREAMS;
                    assertTrue(head.startsWith(over ? "HTTP/1.1 503 " : "HTTP/1.1 200 "), i + ": " + head);
                    if (over) assertTrue(head.contains("Retry-After: 5"), head);
                }
            } finally {
                for (Socket stream : streams) stream.close();
            }
        }
    }

    /**
     * A run's progress file of several MB, asked for by 40 clients at once, is read once, off Jetty's threads: parsed
     * on them, every thread was taken and /health went unanswered for a minute.
     */
    @Test
    void aLargeProgressFileKeepsTheServerAnswering(@TempDir Path runs) throws Exception {
        List<EpochStats> epochs = new ArrayList<>();
        for (int e = 1; e <= 60_000; e++) epochs.add(new EpochStats(e, 0.1, 0.2, 0.97, 0.5, 0.05, 55_000));
        RunProgress.start(runs.resolve("long"), running("long"), epochs);
        try (DigitServer s = DigitServer.start(classifier, "127.0.0.1", 0, LIMITS, runs)) {
            var ask = HttpRequest.newBuilder(s.uri().resolve("/api/runs/long")).timeout(Duration.ofSeconds(120)).build();
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 40; i++) all.add(client.sendAsync(ask, HttpResponse.BodyHandlers.ofString()));
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(s.uri().resolve("/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            for (var answer : all) {
                HttpResponse<String> r = answer.get(120, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), r.body().length() < 500 ? r.body() : "");
                assertEquals(60_000, Json.MAPPER.readTree(r.body()).get("history").size());
            }
        }
    }

    /** A stream whose run folder is deleted ends (it sent "still running" for ever, holding a slot). */
    @Test
    void anEventStreamEndsWhenItsRunIsDeleted(@TempDir Path runs) throws Exception {
        Path run = runs.resolve("doomed");
        RunProgress.start(run, running("doomed"), List.of());
        try (DigitServer s = DigitServer.start(classifier, "127.0.0.1", 0, LIMITS, runs);
             Socket stream = RawHttp.connect(s, "127.0.0.1")) {
            RawHttp.write(stream, "GET /api/runs/doomed/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            stream.setSoTimeout(5_000);
            assertTrue(RawHttp.readResponse(stream).startsWith("HTTP/1.1 200 "));
            try (var files = Files.walk(run)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
            assertTrue(RawHttp.closedWithin(stream, (int) LIMITS.goneRunTime().toMillis() + 5_000), "the stream ended");
        }
    }

    /**
     * A run folder swapped for a link while its stream was open: the stream went on to send the linked folder's
     * progress file, from outside the output folder, where a fresh request got a 404 (a review). It ends instead.
     */
    @Test
    void anEventStreamEndsWhenItsRunFolderBecomesALink(@TempDir Path runs, @TempDir Path outside) throws Exception {
        Path run = runs.resolve("swapped");
        RunProgress.start(run, running("swapped"), List.of());
        RunProgress.start(outside, new RunProgress.Started("swapped", "784-16-10", 20, 50, "fused", "SECRET-OUTSIDE",
                RunProgress.pid(), RunProgress.host(), java.time.Instant.now().toString()), List.of());
        try (DigitServer s = DigitServer.start(classifier, "127.0.0.1", 0, LIMITS, runs);
             Socket stream = RawHttp.connect(s, "127.0.0.1")) {
            RawHttp.write(stream, "GET /api/runs/swapped/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            stream.setSoTimeout(5_000);
            assertTrue(RawHttp.readResponse(stream).startsWith("HTTP/1.1 200 "));
            Files.move(run, runs.resolve(".old"));
            Files.createSymbolicLink(run, outside);
            var sent = new java.io.ByteArrayOutputStream();
            stream.setSoTimeout(10_000);
            try (var in = stream.getInputStream()) {
                in.transferTo(sent); // until the server closes the stream
            }
            assertFalse(sent.toString(StandardCharsets.UTF_8).contains("SECRET-OUTSIDE"), sent.toString(StandardCharsets.UTF_8));
        }
    }

    /** A run trained by this process now: running for as long as the test lasts. */
    private static RunProgress.Started running(String name) {
        return new RunProgress.Started(name, "784-16-10", 20, 50, "fused", "adam lr 0.01", RunProgress.pid(),
                RunProgress.host(), java.time.Instant.now().toString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String type, byte[] body) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri().resolve("/api/predict")).header("Content-Type", type)
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String error(HttpResponse<String> r) throws IOException {
        JsonNode node = Json.MAPPER.readTree(r.body());
        return node.get("error").asText();
    }

    /** 784 pixels in MNIST's form with a vertical stroke: all zeros is "no digit found". */
    private static float[] stroke() {
        float[] pixels = new float[784];
        for (int row = 6; row < 22; row++) pixels[row * 28 + 14] = 1;
        return pixels;
    }

    private static byte[] json(float[] pixels) {
        StringBuilder s = new StringBuilder("{\"pixels\":[");
        for (int i = 0; i < pixels.length; i++) s.append(i == 0 ? "" : ",").append(pixels[i]);
        return s.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }
}
