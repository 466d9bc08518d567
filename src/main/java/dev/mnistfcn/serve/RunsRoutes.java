package dev.mnistfcn.serve;

import dev.mnistfcn.Json;
import dev.mnistfcn.config.RunName;
import dev.mnistfcn.report.LiveEvents;
import dev.mnistfcn.report.RunEvents;
import dev.mnistfcn.report.RunsOverview;
import dev.mnistfcn.report.SweepEvents;
import dev.mnistfcn.storage.RunFolder;
import dev.mnistfcn.storage.SweepProgress;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runs pages (issue 27), read-only over the output folder: {@code GET /runs} (every run and sweep, newest
 * first), {@code /runs/NAME} (one run's curves, live, or a sweep's trials, rounds and best so far), {@code /runs/NAME/report.html}, {@code /api/runs},
 * {@code /api/runs/NAME} and {@code /api/runs/NAME/events}, a {@code text/event-stream} of the run's epochs and its
 * final state. Nothing here starts, stops, locks or deletes a run. An event stream holds no thread: a timer on
 * Jetty's scheduler has the run's progress file looked at every {@link #POLL_MS} ms, on {@link #reader}.
 */
final class RunsRoutes {
    /** How often a stream looks for new epochs: well within "one epoch after it ends" and "killed: 2 s". */
    static final long POLL_MS = 250;
    /**
     * A comment line this often keeps an idle stream open through Jetty's idle timeout (30 s), and finds a client that
     * has left (a write fails): every 10 s, 64 streams dropped by their clients held every slot for 35 s.
     */
    static final long PING_MS = 2_000;
    /** Event streams open at once; more get 503 (each is a timer and a connection, not a thread). */
    static final int MAX_STREAMS = 64;
    /** Reads waiting for {@link #reader} at most: one per open stream, and some for {@code /api/runs/NAME}. */
    static final int MAX_READS_WAITING = 2 * MAX_STREAMS;
    private static final String PAGE = "/dev/mnistfcn/serve/runs.html";

    private final Path outputDir;
    private final Scheduler scheduler;
    /** {@link ServerLimits#goneRunTime()} in nanoseconds. */
    private final long goneNanos;
    private final byte[] page;
    private final AtomicInteger streams = new AtomicInteger();
    /** Set when the server stops: each open stream then ends at its next poll (a live run's would never end). */
    private volatile boolean stopping;
    private final ExecutorService scanner;
    private final AtomicInteger scans = new AtomicInteger();
    /**
     * Where a run's or sweep's file is read and parsed: a progress file may be tens of MB, and parsed on Jetty's
     * threads (40 requests for one of 10 MB) it held them all and {@code /health} went unanswered for a minute; on
     * Jetty's scheduler (each stream's poll) it delayed every timer. One thread, a bounded queue: 503 beyond it.
     */
    private final ExecutorService reader = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_READS_WAITING), r -> {
                Thread t = new Thread(r, "mnist-fcn-runs-read");
                t.setDaemon(true);
                return t;
            });
    /** {@code /api/runs/NAME} reads in progress, by folder: requests that come meanwhile share the read. */
    private final Map<Path, CompletableFuture<byte[]>> reading = new ConcurrentHashMap<>();
    private CompletableFuture<byte[]> scanning;
    private CompletableFuture<byte[]> waiting;

    RunsRoutes(Path outputDir, Scheduler scheduler, java.time.Duration goneRunTime) {
        this(outputDir, scheduler, goneRunTime, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mnist-fcn-runs-scan");
            t.setDaemon(true);
            return t;
        }));
    }

    /** As above, scanning on {@code scanner}, one thread (a test holds it to ask while a scan is under way). */
    RunsRoutes(Path outputDir, Scheduler scheduler, java.time.Duration goneRunTime, ExecutorService scanner) {
        this.scanner = scanner;
        this.outputDir = outputDir;
        this.scheduler = scheduler;
        this.goneNanos = goneRunTime.toNanos();
        this.page = DigitServer.resource(PAGE);
    }

    static boolean handles(String path) {
        return path.equals("/runs") || path.startsWith("/runs/") || path.equals("/api/runs") || path.startsWith("/api/runs/");
    }

    /** Answers a GET (or HEAD: {@code head}) of one of {@link #handles}'s paths. */
    void route(String asked, boolean head, Response response, Callback done, Consumer<Throwable> failed) {
        // One trailing slash is the same page: /api/runs/NAME/events/ was the run "NAME/events", not found
        String path = asked.length() > 1 && asked.endsWith("/") ? asked.substring(0, asked.length() - 1) : asked;
        if (path.equals("/api/runs")) {
            answered(overview(), failed, body -> Routes.answer(response, done, 200, Routes.JSON, body, false));
        } else if (within(path, "/api/runs/", "/events")) {
            String name = path.substring("/api/runs/".length(), path.length() - "/events".length());
            Optional<Path> sweep = RunsOverview.findSweep(outputDir, name);
            Path dir = sweep.orElseGet(() -> run(name));
            // a file that cannot be read gets the snapshot's 404, not a stream that never ends
            answered(now(sweep.isPresent(), dir), failed, json -> {
                if (head) eventHeaders(response, done); // a HEAD has no body to stream, nor a client to lose
                else events(sweep.isPresent() ? new SweepEvents(dir) : new RunEvents(dir), name, dir, response, done);
            });
        } else if (path.startsWith("/api/runs/")) {
            String name = path.substring("/api/runs/".length());
            Optional<Path> sweep = RunsOverview.findSweep(outputDir, name);
            Path dir = sweep.orElseGet(() -> run(name));
            answered(now(sweep.isPresent(), dir), failed, json -> Routes.answer(response, done, 200, Routes.JSON, json, false));
        } else if (within(path, "/runs/", "/report.html")) {
            report(path.substring("/runs/".length(), path.length() - "/report.html".length()), response, done);
        } else {
            if (path.startsWith("/runs/")) {
                String name = path.substring("/runs/".length());
                if (RunsOverview.findSweep(outputDir, name).isEmpty()) run(name);
            }
            Routes.answer(response, done, 200, "text/html; charset=utf-8", page, false);
        }
    }

    /**
     * Whether {@code path} is {@code prefix NAME suffix} with a NAME: {@code /runs/report.html} and
     * {@code /api/runs/events} are the runs called report.html and events (their slash is the prefix's).
     */
    private static boolean within(String path, String prefix, String suffix) {
        return path.startsWith(prefix) && path.endsWith(suffix) && path.length() > prefix.length() + suffix.length();
    }

    /**
     * {@code answer} with what {@code work} gives, or {@code failed} with why it gave nothing, or why {@code answer}
     * threw (whenComplete would keep that to itself: the 65th stream's 503 was never sent, its request left hanging).
     */
    private static void answered(CompletableFuture<byte[]> work, Consumer<Throwable> failed, Consumer<byte[]> answer) {
        work.whenComplete((body, e) -> {
            if (e != null) {
                failed.accept(e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e);
                return;
            }
            try {
                answer.accept(body);
            } catch (RuntimeException | Error thrown) {
                failed.accept(thrown);
            }
        });
    }

    /**
     * A run's or sweep's state now, as JSON, read on {@link #reader}; 404 where its progress file cannot be read.
     * A request that comes while the same folder is being read gets that read's answer, up to one read old.
     */
    private CompletableFuture<byte[]> now(boolean sweep, Path dir) {
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        CompletableFuture<byte[]> begun = reading.putIfAbsent(dir, mine);
        if (begun != null) return begun;
        try {
            reader.execute(() -> {
                try {
                    mine.complete(utf8((sweep ? SweepEvents.now(dir) : RunEvents.now(dir)).orElseThrow(() ->
                            new HttpProblem(404, (sweep ? "Sweep " : "Run ") + outputDir.relativize(dir)
                                    + " has no readable progress file" + (sweep ? "." : " nor metrics.json.")))));
                } catch (RuntimeException | Error e) {
                    mine.completeExceptionally(e);
                } finally {
                    reading.remove(dir, mine);
                }
            });
        } catch (RejectedExecutionException busy) {
            reading.remove(dir, mine);
            mine.completeExceptionally(busy());
        }
        return mine;
    }

    /** The 503 of a full {@link #reader} queue, or of a stopping server. */
    private HttpProblem busy() {
        return stopping ? new HttpProblem(503, "The server is stopping.")
                : new HttpProblem(503, "This server is reading too many runs' files at once; try again in a moment.");
    }

    /**
     * The {@code /api/runs} answer from a scan of the output folder begun after the request came: on a thread of its
     * own, one scan at a time, every request that comes while one runs answered by the next. Scanned on Jetty's
     * threads per request, 120 concurrent requests over 400 runs held them all and {@code /health} waited 12 s.
     */
    synchronized CompletableFuture<byte[]> overview() {
        if (scanning == null) return scan();
        if (waiting == null) waiting = new CompletableFuture<>();
        return waiting;
    }

    /** Begins a scan, which is {@link #scanning} until it ends (a stopping server's: a 503 at once). Under the monitor. */
    private CompletableFuture<byte[]> scan() {
        CompletableFuture<byte[]> scan;
        try {
            scan = CompletableFuture.supplyAsync(this::overviewJson, scanner);
        } catch (RejectedExecutionException stopped) {
            return CompletableFuture.failedFuture(new HttpProblem(503, "The server is stopping."));
        }
        scans.incrementAndGet();
        scanning = scan;
        // set first: a scan already done runs this at once, on this thread, and must find itself there to clear
        scan.whenComplete((body, e) -> scanned(scan));
        return scan;
    }

    /** Every run, sweep and report under the output folder, as {@code /api/runs} answers them. */
    private byte[] overviewJson() {
        var o = RunsOverview.scan(outputDir);
        var body = Json.MAPPER.createObjectNode().put("folder", outputDir.toString());
        body.set("runs", Json.MAPPER.valueToTree(o.runs()));
        body.set("sweeps", Json.MAPPER.valueToTree(o.sweeps()));
        body.set("reports", Json.MAPPER.valueToTree(o.reports()));
        return utf8(body.toString());
    }

    /** {@code scan} is done: the requests that came meanwhile get one begun now. */
    private synchronized void scanned(CompletableFuture<byte[]> scan) {
        if (scanning != scan) return;
        scanning = null;
        if (waiting == null) return;
        CompletableFuture<byte[]> answered = waiting;
        waiting = null;
        scan().whenComplete((body, e) -> {
            if (e == null) answered.complete(body);
            else answered.completeExceptionally(e);
        });
    }

    /** How many scans {@link #overview} has begun (for tests). */
    int scans() {
        return scans.get();
    }

    /** Ends every open event stream at its next poll, so that a stopping server need not wait for them. */
    void endStreams() {
        stopping = true;
        scanner.shutdown();
        reader.shutdown();
    }

    /** The run folder a URL names; 404 for anything else, a path that would leave the output folder included. */
    private Path run(String name) {
        return RunsOverview.find(outputDir, name).orElseThrow(() -> new HttpProblem(404, "No run or sweep '" + name
                + "' in " + outputDir + ". GET /runs lists them (a run is a folder with progress.jsonl or metrics.json, "
                + "a sweep one with " + SweepProgress.FILE + "; names are " + RunName.RULE + ")."));
    }

    private void report(String name, Response response, Callback done) {
        Path dir = RunsOverview.folder(outputDir, name).orElseThrow(() -> new HttpProblem(404, "No report '" + name
                + "'.")), file = new RunFolder(dir).htmlReport();
        try {
            if (!RunsOverview.hasReport(dir)) {
                throw new HttpProblem(404, "No report at " + name + "/" + RunFolder.HTML_REPORT + " in " + outputDir + ".");
            }
            // Its own origin: a report file someone put in the folder cannot use this page's API.
            response.getHeaders().put("Content-Security-Policy", "sandbox allow-scripts");
            Routes.answerFile(response, done, "text/html; charset=utf-8", file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void events(LiveEvents events, String name, Path dir, Response response, Callback done) {
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
            throw new HttpProblem(503, "This server already streams " + MAX_STREAMS + " runs' events; try again later.");
        }
        streamHeaders(response);
        new Stream(events, name, dir, response, Callback.from(done, streams::decrementAndGet)).next();
    }

    private static void streamHeaders(Response response) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    }

    /**
     * A HEAD of an event stream: its headers, and done. Streamed, it took a slot until its run ended (for ever for
     * another host's run): Jetty drops a HEAD's writes without touching the socket, so the client's leaving was never
     * seen, and 64 HEADs closed the live view for everyone.
     */
    private static void eventHeaders(Response response, Callback done) {
        streamHeaders(response);
        response.write(true, ByteBuffer.allocate(0), done);
    }

    /** One client's event stream: polls, writes what is new (or a ping), and schedules itself again. */
    private final class Stream {
        private final LiveEvents events;
        private final String name;
        private final Path dir;
        private final Response response;
        private final Callback done;
        private long lastWrite = System.nanoTime();
        private long missingSince;
        private boolean opened;

        Stream(LiveEvents events, String name, Path dir, Response response, Callback done) {
            this.events = events;
            this.name = name;
            this.dir = dir;
            this.response = response;
            this.done = done;
        }

        /**
         * Whether {@code name} still names {@code dir}, a folder and not a link, or nothing at all (deleted: the poll
         * finds no file, and the stream ends after its grace, as before): a run folder swapped for a link while its
         * stream was open had the stream send a file from outside the output folder (a review).
         */
        private boolean stillThere() {
            return !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)
                    || RunsOverview.folder(outputDir, name).filter(dir::equals).isPresent();
        }

        /** Polls on {@link #reader}, never on the scheduler's thread; a full queue only delays the poll. */
        void next() {
            try {
                reader.execute(this::poll);
            } catch (RejectedExecutionException e) {
                if (stopping) response.write(true, ByteBuffer.allocate(0), done);
                else scheduler.schedule(this::next, POLL_MS, TimeUnit.MILLISECONDS);
            }
        }

        private void poll() {
            List<String> news = List.of();
            boolean moved;
            try {
                moved = !stillThere();
                if (!moved) {
                    news = events.poll();
                    moved = !stillThere(); // checked again: what a swap made during the read is not sent either
                    if (moved) news = List.of();
                }
            } catch (RuntimeException | Error e) { // an OutOfMemoryError too: else the stream's slot was never freed
                done.failed(e);
                return;
            }
            long now = System.nanoTime();
            if (!events.missing()) missingSince = 0;
            else if (missingSince == 0) missingSince = now;
            // Ended without a last event: the page's EventSource asks again and gets the 404 of a run not found.
            boolean gone = missingSince != 0 && now - missingSince > goneNanos;
            boolean last = events.ended() || stopping || gone || moved;
            StringBuilder sb = new StringBuilder();
            if (!opened) sb.append(": open\n\n"); // the headers go out now, not with the first event or ping
            opened = true;
            for (String e : news) sb.append("data: ").append(e).append("\n\n");
            if (sb.isEmpty() && !last) {
                if (System.nanoTime() - lastWrite < TimeUnit.MILLISECONDS.toNanos(PING_MS)) {
                    scheduler.schedule(this::next, POLL_MS, TimeUnit.MILLISECONDS);
                    return;
                }
                sb.append(": still running\n\n");
            }
            lastWrite = System.nanoTime();
            response.write(last, ByteBuffer.wrap(utf8(sb.toString())), Callback.from(() -> {
                if (last) done.succeeded();
                else scheduler.schedule(this::next, POLL_MS, TimeUnit.MILLISECONDS);
            }, done::failed));
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
