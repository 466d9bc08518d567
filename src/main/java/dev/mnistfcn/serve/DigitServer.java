package dev.mnistfcn.serve;

import dev.mnistfcn.UserError;
import dev.mnistfcn.config.OutputSpec;
import dev.mnistfcn.predict.DigitClassifier;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP service of a {@link DigitClassifier}: {@code POST /api/predict} (a picture, or JSON pixels:
 * {@link PredictRequest}), {@code GET /api/model}, {@code GET /health}, {@code GET /}, the draw-a-digit page, and the
 * runs pages under {@code /runs} and {@code /api/runs} ({@link RunsRoutes}). Every
 * refused request gets {@code {"error": ...}} with its status; see docs/serve.md.
 *
 * <p>On Jetty 12 (core API), not the JDK's {@code com.sun.net.httpserver} it used before: the JDK server reads headers
 * and bodies with blocking reads on its request threads, so eight clients sending a byte every 3 s held all eight and
 * {@code /health} took 18 s (issue 24); it has no per-client limit and one deadline for the whole request. Jetty parses
 * on a selector and calls back as bytes arrive, so a slow client holds a connection (capped per address and in all:
 * {@link ServerLimits}, {@link ClientGuard}) but no thread. Predictions run on a pool of {@link #WORKERS} threads
 * with a bounded queue taken in turn by client address (full: 503), all sharing the one classifier (predictors are thread-safe); the page, the model
 * and {@code /health} are answered on Jetty's own threads. {@link #close} stops taking connections and lets requests
 * in flight finish (open event streams are ended first).
 */
public final class DigitServer implements AutoCloseable {
    /** Decode, recipe and forward pass are CPU-bound: a thread per core; at least 2 so one large picture cannot hold all. */
    static final int WORKERS = Math.max(2, Runtime.getRuntime().availableProcessors());
    /**
     * Predictions waiting for a worker, taken in turn by client address ({@link FairQueue}); a burst of 64 clients
     * fits, a flood gets 503s instead of a growing queue.
     */
    static final int QUEUE = 512;
    /** How long {@link #close} waits for requests in flight. */
    static final int GRACE_SECONDS = 10;
    /** While the server stops, how long a connection between requests stays open without a byte (Jetty's default). */
    static final long STOP_IDLE_MILLIS = 1_000;
    private static final String PAGE = "/dev/mnistfcn/serve/index.html";

    private final Server server;
    private final ExecutorService work;
    private final ClientGuard guard;
    private final RunsRoutes runs;
    private final BodyBudget bodies;
    private final URI uri;
    private boolean closed;

    private DigitServer(Server server, ExecutorService work, ClientGuard guard, RunsRoutes runs, BodyBudget bodies,
                        URI uri) {
        this.server = server;
        this.bodies = bodies;
        this.work = work;
        this.guard = guard;
        this.runs = runs;
        this.uri = uri;
    }

    /** {@link #start(DigitClassifier, String, int, ServerLimits)} with {@link ServerLimits#DEFAULTS}. */
    public static DigitServer start(DigitClassifier classifier, String host, int port) {
        return start(classifier, host, port, ServerLimits.DEFAULTS);
    }

    /**
     * Serves {@code classifier} on {@code host}:{@code port} (0: a free port) until {@link #close}; a
     * {@link UserError} when the address cannot be had (port in use, unknown host).
     */
    public static DigitServer start(DigitClassifier classifier, String host, int port, ServerLimits limits) {
        return start(classifier, host, port, limits, Path.of(OutputSpec.DEFAULT_DIR));
    }

    /** As above, with the runs pages ({@code /runs}) showing the runs under {@code runs}, an output folder. */
    public static DigitServer start(DigitClassifier classifier, String host, int port, ServerLimits limits, Path runs) {
        byte[] page = resource(PAGE);
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) throw new UserError("--host " + host + ": no such host or address here.");
        AtomicInteger n = new AtomicInteger();
        QueuedThreadPool threads = new QueuedThreadPool(32, 4);
        threads.setName("mnist-fcn-http");
        Server server = new Server(threads);
        server.setStopTimeout(TimeUnit.SECONDS.toMillis(GRACE_SECONDS));
        server.setErrorHandler(new JsonErrors());
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setDelayDispatchUntilContent(false); // handled once the headers are in; the body is read as it comes
        ClientGuard guard = new ClientGuard(limits, server.getScheduler());
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http)) {
            @Override
            public CompletableFuture<Void> shutdown() {
                CompletableFuture<Void> done = super.shutdown();
                guard.stopping(STOP_IDLE_MILLIS);
                return done;
            }
        };
        // Jetty's stop gives every open connection this idle timeout (1 s by default), also one whose request body is
        // still arriving: a pause of over a second then failed the request ("Idle timeout expired"), though the stop
        // waits up to GRACE_SECONDS for requests in flight. ClientGuard.stopping gives it only to connections between
        // requests (a browser's kept-alive one), which would otherwise hold the stop for their whole idle timeout.
        connector.setShutdownIdleTimeout(-1);
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(128);
        connector.setIdleTimeout(30_000); // a client that stops reading its answer
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(limits.total(), server));
        connector.addBean(guard); // a Connection.Listener bean hears every connection open and close
        ThreadPoolExecutor work = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.SECONDS,
                new FairQueue(QUEUE), r -> new Thread(r, "mnist-fcn-predict-" + n.incrementAndGet()));
        RunsRoutes runsRoutes = new RunsRoutes(runs, server.getScheduler(), limits.goneRunTime());
        BodyBudget bodies = new BodyBudget(BodyBudget.TOTAL_BYTES);
        server.setHandler(new GracefulHandler(new Routes(classifier, limits, new HostCheck(host, limits.allowedHosts()),
                guard, work, server.getScheduler(), page, runsRoutes, bodies)));
        try {
            server.start();
        } catch (Exception e) {
            work.shutdownNow();
            stopQuietly(server);
            if (e instanceof IOException && (e instanceof BindException || e.getCause() instanceof BindException)) {
                throw new UserError("Cannot listen on " + host + ":" + port + " (" + e.getMessage() + "): the port is "
                        + "in use or the address is not this machine's. Pick another with --port (0: any free port) "
                        + "or --host.");
            }
            throw new IllegalStateException("the HTTP server did not start: " + e, e);
        }
        String h = host.contains(":") ? "[" + host + "]" : host;
        return new DigitServer(server, work, guard, runsRoutes, bodies, URI.create("http://" + h + ":" + connector.getLocalPort()
                + "/"));
    }

    /** Bytes of request bodies the server holds now (for tests). */
    long bodyBytesHeld() {
        return bodies.held();
    }

    /** Where it listens, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        return uri;
    }

    /** Connections open from {@code address} (for tests of the per-client limit). */
    int connections(InetAddress address) {
        return guard.connections(address);
    }

    /**
     * Stops accepting connections, waits up to {@value #GRACE_SECONDS} s for requests in flight to be answered,
     * then closes the rest. Calling it again does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
        runs.endStreams(); // a live run's event stream would hold the graceful stop for its whole timeout
        stopQuietly(server); // graceful: GracefulHandler waits for requests in flight, up to the stop timeout
        work.shutdown();
        try {
            // What is left of the one grace period: waiting it twice made a stop with a slow decode take 20 s.
            long left = Math.max(0, deadline - System.nanoTime());
            if (!work.awaitTermination(left, TimeUnit.NANOSECONDS)) work.shutdownNow();
        } catch (InterruptedException e) {
            work.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(DigitServer.class).warn("stopping the HTTP server: {}", e.toString());
        }
    }

    /** A page from the classpath, read once at start. */
    static byte[] resource(String name) {
        try (InputStream in = DigitServer.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("the page " + name + " is missing from the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
