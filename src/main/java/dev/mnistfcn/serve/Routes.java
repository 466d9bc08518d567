package dev.mnistfcn.serve;

import dev.mnistfcn.UserError;
import dev.mnistfcn.digits.DecodeBudget;
import dev.mnistfcn.digits.UnacceptedFormat;
import dev.mnistfcn.predict.DigitClassifier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * The service's routes on Jetty's core API (no servlets). Nothing here waits for a client: bodies are read as they
 * arrive ({@link BodyReader}); decoding and inference run on the bounded {@code work} pool, so that {@code /health}
 * and the page are answered on Jetty's threads whatever the predict requests do.
 */
final class Routes extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);
    static final String JSON = "application/json";
    private static final HttpField NO_STORE = new HttpField(HttpHeader.CACHE_CONTROL, "no-store");
    private static final HttpField NOSNIFF = new HttpField("X-Content-Type-Options", "nosniff");

    private final DigitClassifier classifier;
    private final ServerLimits limits;
    private final HostCheck hosts;
    private final ClientGuard guard;
    private final ExecutorService work;
    private final Scheduler scheduler;
    private final byte[] page;
    private final RunsRoutes runs;
    private final BodyBudget bodies;

    Routes(DigitClassifier classifier, ServerLimits limits, HostCheck hosts, ClientGuard guard, ExecutorService work,
           Scheduler scheduler, byte[] page, RunsRoutes runs, BodyBudget bodies) {
        this.runs = runs;
        this.bodies = bodies;
        this.classifier = classifier;
        this.limits = limits;
        this.hosts = hosts;
        this.guard = guard;
        this.work = work;
        this.scheduler = scheduler;
        this.page = page;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Connection connection = request.getConnectionMetaData().getConnection();
        guard.requestStarted(connection);
        // the next request's header deadline is armed before Jetty may start reading it (on succeeded)
        Callback done = new Callback() {
            @Override
            public void succeeded() {
                guard.requestDone(connection);
                callback.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                guard.requestDone(connection);
                callback.failed(x);
            }

            @Override
            public InvocationType getInvocationType() {
                return callback.getInvocationType();
            }
        };
        try {
            route(request, response, done);
        } catch (HttpProblem refused) { // a wrong Host, path, method or type, before any of the body was read
            refuseUnread(request, refused).whenComplete((none, e) -> {
                // a drain may stop before the body's end (16 MiB, 2 s), and Jetty then closes: the answer says so
                if (request.getLength() != 0) response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
                fail(request, response, done, refused);
            });
        } catch (RuntimeException | Error e) {
            fail(request, response, done, e);
        }
        return true;
    }

    private void route(Request request, Response response, Callback done) {
        String refusal = hosts.refusal(request.getHeaders().get(HttpHeader.HOST));
        if (refusal != null) throw new HttpProblem(403, refusal);
        // Decoded, as a browser may send a name's characters (/runs/two%2Dlayer is /runs/two-layer); Jetty refuses
        // an encoded '/' and resolves '..' before this, and RunsOverview checks each name.
        String path = request.getHttpURI().getDecodedPath();
        String method = request.getMethod();
        if (path != null && RunsRoutes.handles(path)) {
            allow(response, method, path, "GET");
            runs.route(path, method.equals("HEAD"), response, done, e -> fail(request, response, done, e));
            return;
        }
        switch (path == null ? "" : path) {
            case "/api/predict" -> {
                allow(response, method, path, "POST");
                predict(request, response, done);
            }
            case "/api/model" -> {
                allow(response, method, path, "GET");
                answer(response, done, 200, JSON, utf8(Answers.model(classifier.info())), false);
            }
            case "/health" -> {
                allow(response, method, path, "GET");
                answer(response, done, 200, JSON, utf8(Answers.health()), false);
            }
            case "/", "/index.html" -> {
                allow(response, method, path, "GET");
                answer(response, done, 200, "text/html; charset=utf-8", page, false);
            }
            default -> throw new HttpProblem(404, "No such page: " + path + ". This service answers POST /api/predict, "
                    + "GET /api/model, GET /health, GET / (the draw-a-digit page) and GET /runs (the runs under the output folder).");
        }
    }

    private void predict(Request request, Response response, Callback done) {
        String type = PredictRequest.acceptedType(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
        long length = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        var body = length > PredictRequest.MAX_BODY_BYTES
                ? refuseUnread(request, PredictRequest.tooLarge(length + " bytes"))
                : BodyReader.read(request, PredictRequest.MAX_BODY_BYTES, limits.bodyTime(), scheduler, bodies);
        body.thenAccept(bytes -> {
            try {
                work.execute(new FairQueue.Task(Request.getRemoteAddr(request), () -> {
                    try {
                        byte[] answer = utf8(Answers.prediction(PredictRequest.classify(classifier, type, bytes)));
                        answer(response, done, 200, JSON, answer, false);
                    } catch (RuntimeException | Error e) {
                        fail(request, response, done, e);
                    } finally {
                        bodies.give(Request.getRemoteAddr(request), bytes.length);
                    }
                }));
            } catch (RejectedExecutionException e) {
                bodies.give(Request.getRemoteAddr(request), bytes.length);
                fail(request, response, done, new HttpProblem(503, "The server has more predictions queued than it "
                        + "takes; try again in a moment."));
            }
        }).exceptionally(e -> {
            fail(request, response, done, e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e);
            return null;
        });
    }

    /**
     * {@code problem}, for a request refused before its body was read (a 413 from Content-Length, a 415, a wrong
     * path). A client that said {@code Expect: 100-continue} has sent nothing yet, and is answered at once (Jetty
     * sends the 100 only when the body is read), as is one without a body; any other is sending, and the body is
     * drained first: Python's http.client, which sends it all before it reads, met a broken pipe instead of a 415.
     */
    private CompletableFuture<byte[]> refuseUnread(Request request, HttpProblem problem) {
        boolean sending = request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        if (!sending || request.getHeaders().contains(HttpHeader.EXPECT, HttpHeaderValue.CONTINUE.asString())) {
            return CompletableFuture.failedFuture(problem);
        }
        return BodyReader.drain(request, problem, scheduler);
    }

    /** {@code allowed}, or HEAD where GET is allowed; else 405 with the Allow header. */
    private static void allow(Response response, String method, String path, String allowed) {
        if (method.equals(allowed) || method.equals("HEAD") && allowed.equals("GET")) return;
        response.getHeaders().put(HttpHeader.ALLOW, allowed.equals("GET") ? "GET, HEAD" : allowed);
        throw new HttpProblem(405, method + " " + path + " is not accepted: use " + allowed + ".");
    }

    /** The error answer for {@code e}: its status and message for the client's mistakes, "internal error" for ours. */
    private static void fail(Request request, Response response, Callback done, Throwable e) {
        int status;
        String message;
        if (e instanceof HttpProblem p) {
            status = p.status;
            message = p.getMessage();
        } else if (e instanceof DecodeBudget.TooLarge) {
            status = 413;
            message = e.getMessage();
        } else if (e instanceof UnacceptedFormat) {
            status = 415;
            message = e.getMessage();
        } else if (e instanceof DecodeBudget.Busy) {
            status = 503;
            message = e.getMessage();
        } else if (e instanceof UserError) { // an unreadable picture, no ink: the message says which and why
            status = 400;
            message = e.getMessage();
        } else if (e instanceof OutOfMemoryError) {
            status = 503;
            message = "The server is out of memory for this request now; try again (a picture: or send a smaller one).";
        } else {
            // the detail is ours, not the client's: logged, not sent (it can name files and classes)
            LOG.error("{} {}: internal error", request.getMethod(), request.getHttpURI().getPath(), e);
            status = 500;
            message = "Internal error; the server's log has the details.";
        }
        if (status == 503 && !response.getHeaders().contains(HttpHeader.RETRY_AFTER)) { // a stream's 503 says 5
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        }
        boolean close = status == 408 || status == 413;
        if (response.isCommitted()) {
            done.failed(e);
            return;
        }
        answer(response, done, status, JSON, utf8(Answers.error(message)), close);
    }

    static void answer(Response response, Callback done, int status, String type, byte[] body, boolean close) {
        head(response, status, type, body.length);
        if (close) response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        response.write(true, ByteBuffer.wrap(body), done);
    }

    /** The status and the headers every answer has: its type and length, not cached, not sniffed. */
    private static void head(Response response, int status, String type, long length) {
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, type);
        headers.put(NO_STORE);
        headers.put(NOSNIFF);
        headers.put(HttpHeader.CONTENT_LENGTH, length);
    }

    /**
     * {@link #answer} with the bytes of {@code file}, streamed from disk: a report may be tens of MB, and two dozen
     * clients reading it at once took the heap when each answer was read whole first. The length is the open file's,
     * so a report replaced meanwhile (written to a temp file, then renamed) is sent as it was when opened.
     */
    static void answerFile(Response response, Callback done, String type, Path file) throws IOException {
        SeekableByteChannel channel = Files.newByteChannel(file); // read-only
        try {
            head(response, 200, type, channel.size());
            Content.copy(Content.Source.from(new ByteBufferPool.Sized(null), channel, 0, channel.size()), response,
                    Callback.from(done, () -> closeQuietly(channel))); // closed once sent, or failed
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void closeQuietly(SeekableByteChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing a report file: {}", e.toString()); // read-only: nothing is lost
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
