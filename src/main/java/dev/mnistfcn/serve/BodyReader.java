package dev.mnistfcn.serve;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request body, read as its bytes arrive (Jetty calls back when there are some; no thread waits for them), whole
 * within a deadline. Over the limit, the rest is read and dropped, up to {@link #DRAIN_BYTES} or {@link #DRAIN_TIME},
 * before the 413 is sent: a client that reads the answer only once it has sent everything (Python's urllib) would
 * otherwise meet a connection reset, not the 413 (closing a socket with unread bytes resets it).
 */
final class BodyReader implements Runnable {
    static final long DRAIN_BYTES = 16L << 20;
    static final Duration DRAIN_TIME = Duration.ofSeconds(2);

    private final Request request;
    private final int limit;
    private final Duration time;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private final Scheduler scheduler;
    private final BodyBudget budget; // null when draining
    private final String client; // its address, whose share of the budget the body takes
    private final long started = System.nanoTime();
    private volatile long received;
    private long held; // taken from budget for the bytes in body
    private volatile HttpProblem tooLarge; // set once over the limit: then draining
    private Scheduler.Task deadline;

    private BodyReader(Request request, int limit, Duration time, Scheduler scheduler, BodyBudget budget) {
        this.request = request;
        this.limit = limit;
        this.time = time;
        this.scheduler = scheduler;
        this.budget = budget;
        this.client = Request.getRemoteAddr(request);
    }

    /**
     * The body, its length taken from {@code budget} (the caller gives it back once answered); fails with an {@link
     * HttpProblem}: 413 {@code tooLarge(size)} over {@code limit}, 503 where it does not fit the budget, 408 when it
     * has not all arrived within {@code time}. {@code tooLarge} words the 413 from "N bytes" or "more".
     */
    static CompletableFuture<byte[]> read(Request request, int limit, Duration time, Scheduler scheduler,
                                          BodyBudget budget) {
        BodyReader reader = new BodyReader(request, limit, time, scheduler, budget);
        synchronized (reader) {
            reader.deadline = scheduler.schedule(reader::expire, time.toMillis(), TimeUnit.MILLISECONDS);
        }
        reader.run();
        return reader.result;
    }

    /** Drops the body's bytes up to the drain limits, then fails with {@code problem} (a 413, a 415, ...): see the class comment. */
    static CompletableFuture<byte[]> drain(Request request, HttpProblem problem, Scheduler scheduler) {
        BodyReader reader = new BodyReader(request, 0, DRAIN_TIME, scheduler, null);
        reader.tooLarge = problem;
        synchronized (reader) {
            reader.deadline = scheduler.schedule(reader::expire, DRAIN_TIME.toMillis(), TimeUnit.MILLISECONDS);
        }
        reader.run();
        return reader.result;
    }

    /** Reads what has arrived; asks to be called again when more does. */
    @Override
    public void run() {
        while (!done.get()) {
            Content.Chunk chunk;
            try {
                chunk = request.read();
            } catch (RuntimeException e) { // the exchange ended meanwhile (our deadline answered it)
                return;
            }
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                finish(null, new HttpProblem(400, "The request body could not be read (" + chunk.getFailure().getMessage()
                        + ")."));
                return;
            }
            boolean last = chunk.isLast();
            try {
                if (!add(chunk.getByteBuffer())) return;
            } finally {
                chunk.release();
            }
            if (last || tooLarge != null && received > DRAIN_BYTES) {
                finish(tooLarge == null ? body.toByteArray() : null, tooLarge);
                return;
            }
        }
    }

    /**
     * Keeps {@code bytes} (or drops them, once refused); false when the deadline has answered meanwhile. Locked with
     * {@link #finish}, which runs on the scheduler's thread at the deadline: else bytes taken from the budget after
     * it gave back what the body held would never be given back.
     */
    private synchronized boolean add(ByteBuffer bytes) {
        if (done.get()) return false;
        int n = bytes.remaining();
        received += n;
        if (tooLarge == null && received > limit) {
            refuse(PredictRequest.tooLarge(String.format(Locale.ROOT, "%,d bytes so far", received)));
        }
        HttpProblem busy = tooLarge == null && n > 0 ? budget.take(client, n, received) : null;
        if (busy != null) refuse(busy); // drained as a 413 is, then answered
        if (tooLarge == null && n > 0) {
            held += n;
            byte[] copy = new byte[n];
            bytes.get(copy);
            body.write(copy, 0, n);
        }
        return true;
    }

    private void expire() {
        if (tooLarge != null) {
            finish(null, tooLarge); // drained long enough
        } else {
            finish(null, new HttpProblem(408, String.format(Locale.ROOT, "The request body did not arrive within %d s "
                    + "(%,d bytes came in %.1f s); send it at once, not slowly.", time.toSeconds(), received,
                    (System.nanoTime() - started) / 1e9)));
        }
    }

    /** Drops the body and drains the rest for at most {@link #DRAIN_TIME} from now, not until the body's deadline. */
    private void refuse(HttpProblem problem) {
        tooLarge = problem;
        dropBody();
        if (deadline != null) deadline.cancel();
        deadline = scheduler.schedule(this::expire, DRAIN_TIME.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void dropBody() {
        body.reset();
        if (budget != null) budget.give(client, held);
        held = 0;
    }

    private void finish(byte[] bytes, HttpProblem problem) {
        synchronized (this) {
            if (!done.compareAndSet(false, true)) return;
            if (problem != null) dropBody(); // else the caller gives the body's bytes back once it has answered
            if (deadline != null) deadline.cancel();
        }
        if (problem != null) result.completeExceptionally(problem);
        else result.complete(bytes);
    }
}
