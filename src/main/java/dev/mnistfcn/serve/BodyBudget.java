package dev.mnistfcn.serve;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Heap for request bodies, shared by every request of one server: bytes are taken as they arrive and given back
 * once the prediction is answered. One body may be 10 MiB and a thousand connections may be open, so without a
 * total, 64 slow 10 MiB uploads ran the 1 GiB heap out (a review: some answers were "out of memory", and an
 * {@link OutOfMemoryError} can land in any of the server's threads). Past it a body is refused with a 503, not
 * waited for: a request never holds memory while it waits for someone else's.
 *
 * <p>A total alone let one client lock every other out (13 slow 10 MiB bodies from one address: every picture from
 * anyone else was a 503 for as long as it kept them coming). So large bodies (past {@link #SMALL_BODY_BYTES}) from
 * one client address may hold a quarter of it, and they may not take the last {@link #RESERVE_BYTES}, which are kept
 * for small ones, what pictures of a digit are. Small bodies have no share per address: on the default bind, or
 * behind a proxy, every client has the same one, and a share there made four stalled uploads lock everyone out (a
 * review); the 128 connections an address may open hold at most half the budget in small bodies.
 */
final class BodyBudget {
    /** An eighth of the CLI's 1 GiB heap: a dozen bodies of the largest size at once, thousands of usual pictures. */
    static final int TOTAL_BYTES = 128 << 20;
    static final int RESERVE_BYTES = 16 << 20;
    static final int SMALL_BODY_BYTES = 512 << 10;

    private final long total;
    private final long perClient;
    private final Map<String, Long> byClient = new HashMap<>();
    private long held;

    BodyBudget(int total) {
        this.total = total;
        this.perClient = total / 4;
    }

    /**
     * Takes {@code n} more bytes of a body from {@code client} that has {@code bodySoFar} bytes with them; null when
     * taken, else the 503 that refuses it.
     */
    synchronized HttpProblem take(String client, int n, long bodySoFar) {
        long mine = byClient.getOrDefault(client, 0L), thisOne = bodySoFar - n; // already taken of this body
        boolean small = bodySoFar <= SMALL_BODY_BYTES;
        if (!small && mine + n > perClient) {
            return new HttpProblem(503, String.format(Locale.ROOT, "Your address has %s of other request bodies on "
                    + "this server now; with this one (%s so far) it would pass the most one client may hold (%s). Try "
                    + "again once those are answered.", mib(mine - thisOne), mib(bodySoFar), mib(perClient)));
        }
        long limit = small ? total : total - RESERVE_BYTES;
        if (held + n > limit) {
            return new HttpProblem(503, String.format(Locale.ROOT, "The server holds %s of other request bodies now, and "
                    + "this one (%s so far) does not fit in the %s it takes at once; try again in a moment.",
                    mib(held - thisOne), mib(bodySoFar), mib(limit)));
        }
        held += n;
        byClient.put(client, mine + n);
        return null;
    }

    synchronized void give(String client, long n) {
        if (n <= 0) return;
        held -= n;
        long left = byClient.getOrDefault(client, 0L) - n;
        if (left > 0) byClient.put(client, left);
        else byClient.remove(client);
    }

    /** Bytes held now (for tests). */
    synchronized long held() {
        return held;
    }

    private static String mib(long n) {
        return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
    }
}
