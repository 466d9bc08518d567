package dev.mnistfcn.serve;

import java.util.Locale;
import java.util.concurrent.Semaphore;

/**
 * Heap for request bodies, shared by every request of one server: bytes are taken as they arrive and given back
 * once the prediction is answered. One body may be 10 MiB and a thousand connections may be open, so without a
 * total, 64 slow 10 MiB uploads ran the 1 GiB heap out (a review: some answers were "out of memory", and an
 * {@link OutOfMemoryError} can land in any of the server's threads). Past it a body is refused with a 503, not
 * waited for: a request never holds memory while it waits for someone else's.
 */
final class BodyBudget {
    /** A eighth of the CLI's 1 GiB heap: a dozen bodies of the largest size at once, thousands of usual pictures. */
    static final int TOTAL_BYTES = 128 << 20;

    private final int total;
    private final Semaphore bytes;

    BodyBudget(int total) {
        this.total = total;
        this.bytes = new Semaphore(total);
    }

    boolean take(int n) {
        return bytes.tryAcquire(n);
    }

    void give(long n) {
        if (n > 0) bytes.release((int) n);
    }

    /** Bytes held now (for tests). */
    long held() {
        return total - bytes.availablePermits();
    }

    /** The 503 for a body that does not fit. */
    HttpProblem busy(long received) {
        return new HttpProblem(503, String.format(Locale.ROOT, "The server holds %s of request bodies now, the most it "
                + "takes at once, and this one (%s so far) does not fit; try again in a moment.",
                mib(held()), mib(received)));
    }

    private static String mib(long n) {
        return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
    }
}
