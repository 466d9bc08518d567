package dev.mnistfcn.engine.fused;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowWorkersTest {
    private final RowWorkers workers = RowWorkers.SHARED;

    @Test
    void runsEachTaskOnceOnItsOwnThreadAndReturnsWhenAllAreDone() throws InterruptedException {
        int tasks = workers.threads();
        for (int call = 0; call < 300; call++) {
            if (call % 100 == 99) Thread.sleep(5); // long enough for the helpers to park
            var runs = new AtomicIntegerArray(tasks);
            var threads = ConcurrentHashMap.<Thread>newKeySet();
            workers.run(tasks, t -> {
                runs.incrementAndGet(t);
                threads.add(Thread.currentThread());
            });
            for (int t = 0; t < tasks; t++) assertEquals(1, runs.get(t), "task " + t + " in call " + call);
            assertEquals(tasks, threads.size());
        }
    }

    @Test
    void aHelpersFailureReachesTheCallerAndTheWorkersStayUsable() {
        int tasks = workers.threads();
        if (tasks < 2) return; // one core: no helpers
        var e = assertThrows(IllegalStateException.class, () -> workers.run(tasks, t -> {
            if (t == tasks - 1) throw new IllegalStateException("task " + t);
        }));
        assertEquals("task " + (tasks - 1), e.getMessage());
        var runs = new AtomicIntegerArray(tasks);
        workers.run(tasks, runs::incrementAndGet);
        for (int t = 0; t < tasks; t++) assertEquals(1, runs.get(t));
    }

    @Test
    void aSecondCallerWhileBusyRunsItsTasksItself() throws InterruptedException {
        int tasks = workers.threads();
        if (tasks < 2) return;
        var inside = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Thread first = new Thread(() -> workers.run(tasks, t -> {
            if (t != 0) return;
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }));
        first.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        var threads = ConcurrentHashMap.<Thread>newKeySet();
        workers.run(tasks, t -> threads.add(Thread.currentThread()));
        assertEquals(Set.of(Thread.currentThread()), threads);
        release.countDown();
        first.join(10_000);
    }
}
