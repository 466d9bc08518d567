package dev.mnistfcn.serve;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FairQueueTest {
    private static FairQueue.Task task(String client, List<String> ran, String name) {
        return new FairQueue.Task(client, () -> ran.add(name));
    }

    @Test
    void clientsTakeTurnsEachInTheOrderItsPredictionsCame() {
        List<String> ran = new ArrayList<>();
        var q = new FairQueue(100);
        for (int i = 1; i <= 4; i++) assertTrue(q.offer(task("a", ran, "a" + i)));
        assertTrue(q.offer(task("b", ran, "b1")));
        assertTrue(q.offer(task("c", ran, "c1")));
        assertTrue(q.offer(task("b", ran, "b2")));
        assertEquals(7, q.size());
        for (Runnable r; (r = q.poll()) != null; ) r.run();
        assertEquals(List.of("a1", "b1", "c1", "a2", "b2", "a3", "a4"), ran);
        assertEquals(0, q.size());
    }

    @Test
    void fullRefusesAndRemoveAndDrainKeepTheCount() {
        List<String> ran = new ArrayList<>();
        var q = new FairQueue(3);
        var a1 = task("a", ran, "a1");
        assertTrue(q.offer(a1) && q.offer(task("a", ran, "a2")) && q.offer(task("b", ran, "b1")));
        assertFalse(q.offer(task("c", ran, "c1")), "full: the server answers 503");
        assertEquals(0, q.remainingCapacity());
        assertTrue(q.remove(a1));
        assertFalse(q.remove(a1));
        List<Runnable> drained = new ArrayList<>();
        assertEquals(2, q.drainTo(drained));
        drained.forEach(Runnable::run);
        assertEquals(List.of("a2", "b1"), ran);
        assertNull(q.poll());
    }

    /**
     * A hostile-input review: 40 pictures from one address, each seconds of decoding, and a 41st request from anyone
     * waited behind them all (66 s). With the executor the server uses, one worker held busy meanwhile: another
     * client's prediction runs next after the one in progress, not after the 40.
     */
    @Test
    void anotherClientsPredictionRunsNextNotAfterAFlood() throws Exception {
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        var pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new FairQueue(512));
        var busy = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        pool.execute(new FairQueue.Task("10.0.0.1", () -> {
            busy.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        busy.await();
        for (int i = 1; i <= 40; i++) pool.execute(task("10.0.0.1", ran, "flood" + i));
        pool.execute(task("10.0.0.2", ran, "other"));
        release.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(41, ran.size());
        assertEquals(List.of("flood1", "other", "flood2"), ran.subList(0, 3));
    }
}
