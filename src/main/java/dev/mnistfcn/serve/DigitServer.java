package dev.mnistfcn.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mnistfcn.UserError;
import dev.mnistfcn.predict.DigitClassifier;
import dev.mnistfcn.predict.Prediction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP service of a {@link DigitClassifier}, on the JDK's own {@code com.sun.net.httpserver}:
 * {@code POST /api/predict} (a picture, or JSON pixels: {@link PredictRequest}), {@code GET /api/model},
 * {@code GET /health} and {@code GET /}, the draw-a-digit page. Every refused request gets {@code {"error": ...}}
 * with its status; see docs/serve.md.
 *
 * <p>Requests run on a fixed pool of {@link #THREADS} threads, all sharing the one classifier (predictors are
 * thread-safe). {@link #close} stops taking connections and lets requests in flight finish.
 */
public final class DigitServer implements AutoCloseable {
    /**
     * The JDK server's settings, which it reads once, from system properties, when its classes load: so they are
     * set here, before the first server is created, unless the user set them ({@code -D} wins).
     * <ul>
     * <li>nodelay: without it Nagle's algorithm meets the client's delayed ACK and each keep-alive answer waits
     * ~40 ms; measured with a bare server here, 710 against 6,870 requests/s.
     * <li>maxReqTime / maxRspTime (seconds): a client that sends its request, or reads the answer, slower than
     * this is disconnected, so a slow or stalled client holds a request thread for no longer. The JDK starts the
     * request's clock when its first bytes arrive, so time queued for a free thread counts too. A new connection
     * that sends nothing is closed after this as well.
     * <li>idleInterval (seconds): a kept-alive connection with no request is closed after this; clockTick (ms) is
     * how often that is checked.
     * <li>jdk.httpserver.maxConnections: connections beyond this wait in the accept queue.
     * </ul>
     */
    public static final Map<String, String> HTTP_SETTINGS = settings(
            "sun.net.httpserver.nodelay", "true",
            "sun.net.httpserver.maxReqTime", "20",
            "sun.net.httpserver.maxRspTime", "20",
            "sun.net.httpserver.idleInterval", "30",
            "sun.net.httpserver.clockTick", "1000",
            "jdk.httpserver.maxConnections", "1000");

    static {
        HTTP_SETTINGS.forEach((key, value) -> {
            if (System.getProperty(key) == null) System.setProperty(key, value);
        });
    }

    /**
     * Request threads: the work is CPU-bound (decode, recipe, forward pass), so twice the cores keeps them busy
     * while some threads wait on a client's bytes; at least 8 so a few slow clients cannot take them all.
     */
    static final int THREADS = Math.max(8, 2 * Runtime.getRuntime().availableProcessors());
    /** How long {@link #close} waits for requests in flight. */
    static final int GRACE_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(DigitServer.class);
    private static final String PAGE = "/dev/mnistfcn/serve/index.html";

    private final DigitClassifier classifier;
    private final HttpServer server;
    private final ExecutorService pool;
    private final AtomicInteger inFlight = new AtomicInteger(); // exchanges handed to the pool and not yet done
    private final URI uri;
    private final byte[] page;
    private boolean closed;

    private DigitServer(DigitClassifier classifier, HttpServer server, ExecutorService pool, URI uri, byte[] page) {
        this.classifier = classifier;
        this.server = server;
        this.pool = pool;
        this.uri = uri;
        this.page = page;
    }

    /**
     * Serves {@code classifier} on {@code host}:{@code port} (0: a free port) until {@link #close}; a
     * {@link UserError} when the address cannot be had (port in use, unknown host).
     */
    public static DigitServer start(DigitClassifier classifier, String host, int port) {
        byte[] page = page();
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) throw new UserError("--host " + host + ": no such host or address here.");
        HttpServer server;
        try {
            server = HttpServer.create(address, 128);
        } catch (BindException e) {
            throw new UserError("Cannot listen on " + host + ":" + port + " (" + e.getMessage() + "): the port is in "
                    + "use or the address is not this machine's. Pick another with --port (0: any free port) or --host.");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> new Thread(r, "mnist-fcn-http-" + n.incrementAndGet()));
        String h = host.contains(":") ? "[" + host + "]" : host;
        URI uri = URI.create("http://" + h + ":" + server.getAddress().getPort() + "/");
        DigitServer s = new DigitServer(classifier, server, pool, uri, page);
        server.createContext("/", s::handle);
        server.setExecutor(s::execute);
        server.start();
        return s;
    }

    /** Where it listens, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        return uri;
    }

    /**
     * Stops accepting connections, waits up to {@value #GRACE_SECONDS} s for requests in flight to be answered,
     * then closes the rest. Calling it again does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        // JDK 17's stop(delay) waits the whole delay unless an exchange ends after it is called (JDK-8304065, fixed
        // in 21): with none in flight, stop(0) closes at once. One that ends just before stop(GRACE) costs the wait.
        server.stop(inFlight.get() == 0 ? 0 : GRACE_SECONDS);
        pool.shutdown();
        try {
            if (!pool.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) pool.shutdownNow();
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Runs an exchange (reading the request, {@link #handle}, writing the answer) on the pool, counted. */
    private void execute(Runnable exchange) {
        inFlight.incrementAndGet();
        try {
            pool.execute(() -> {
                try {
                    exchange.run();
                } finally {
                    inFlight.decrementAndGet();
                }
            });
        } catch (RuntimeException e) { // refused: the pool is shut down
            inFlight.decrementAndGet();
            throw e;
        }
    }

    private void handle(HttpExchange exchange) {
        try {
            int status = 200;
            String type = "application/json";
            byte[] body;
            try {
                body = route(exchange);
                if (body == page) type = "text/html; charset=utf-8";
            } catch (HttpProblem e) {
                status = e.status;
                body = utf8(Answers.error(e.getMessage()));
            } catch (UserError e) { // an unreadable picture, no ink: the message says which and why
                status = 400;
                body = utf8(Answers.error(e.getMessage()));
            } catch (OutOfMemoryError e) {
                status = 503;
                body = utf8(Answers.error("The server is out of memory for this picture now; try again, or send a "
                        + "smaller one."));
            } catch (RuntimeException e) {
                LOG.error("{} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString(), e);
                status = 500;
                body = utf8(Answers.error("Internal error (" + e + "); the server's log has the details."));
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head ? -1 : body.length);
            if (!head) exchange.getResponseBody().write(body);
        } catch (IOException e) {
            // the client went away (or a timeout closed its connection): nobody to answer
        } finally {
            exchange.close();
        }
    }

    /** The answer's body for a request this service accepts; an {@link HttpProblem} for any other. */
    private byte[] route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        switch (path) {
            case "/api/predict" -> {
                allow(exchange, method, "POST");
                PredictRequest request = PredictRequest.read(exchange);
                Prediction p = request.pixels() != null ? classifier.classify(request.pixels())
                        : classifier.classify(request.picture());
                return utf8(Answers.prediction(p));
            }
            case "/api/model" -> {
                allow(exchange, method, "GET");
                return utf8(Answers.model(classifier.info()));
            }
            case "/health" -> {
                allow(exchange, method, "GET");
                return utf8(Answers.health());
            }
            case "/", "/index.html" -> {
                allow(exchange, method, "GET");
                return page;
            }
            default -> throw new HttpProblem(404, "No such page: " + path + ". This service answers POST /api/predict, "
                    + "GET /api/model, GET /health and GET / (the draw-a-digit page).");
        }
    }

    /** {@code allowed}, or HEAD where GET is allowed; else 405 with the Allow header. */
    private static void allow(HttpExchange exchange, String method, String allowed) {
        if (method.equals(allowed) || method.equals("HEAD") && allowed.equals("GET")) return;
        exchange.getResponseHeaders().set("Allow", allowed.equals("GET") ? "GET, HEAD" : allowed);
        throw new HttpProblem(405, method + " " + exchange.getRequestURI().getPath() + " is not accepted: use "
                + allowed + ".");
    }

    private static byte[] page() {
        try (InputStream in = DigitServer.class.getResourceAsStream(PAGE)) {
            if (in == null) throw new IllegalStateException("the page " + PAGE + " is missing from the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> settings(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put(keyValues[i], keyValues[i + 1]);
        return java.util.Collections.unmodifiableMap(m);
    }
}
