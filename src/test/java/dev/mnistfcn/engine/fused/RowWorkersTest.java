package dev.mnistfcn.engine.fused;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    /**
     * While other work has the spare core, the caller runs every task itself; unless some GEMM shape keeps all of
     * OpenBLAS's threads (one thread gave it other bits: Haswell kernels), when the helpers stay in use.
     */
    @Test
    void whileOtherWorkHasTheSpareCoreTheCallerRunsEveryTaskItselfAndAfterwardsTheHelpersAgain() throws InterruptedException {
        int tasks = workers.threads();
        if (tasks < 2) return;
        var inside = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Thread other = new Thread(() -> SpareCore.run(() -> holdUntil(inside, release))); // the next epoch's images, say
        other.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        var threads = ConcurrentHashMap.<Thread>newKeySet();
        var background = ConcurrentHashMap.<Thread>newKeySet();
        boolean blasStaysParallel = BlasThreads.someShapeKeepsAllThreads();
        try {
            assertTrue(SpareCore.taken());
            assertEquals(!blasStaysParallel, SpareCore.rowsOnOneCore());
            workers.run(tasks, t -> threads.add(Thread.currentThread()));
            workers.inBackground(() -> background.add(Thread.currentThread())).join();
        } finally {
            release.countDown();
            other.join(10_000);
        }
        if (blasStaysParallel) {
            assertEquals(tasks, threads.size(), "the helpers, as the GEMMs keep both cores");
        } else {
            assertEquals(Set.of(Thread.currentThread()), threads, "every task on the caller's thread");
            assertEquals(Set.of(Thread.currentThread()), background, "the background task too, before inBackground returned");
        }
        assertFalse(SpareCore.taken());
        threads.clear();
        workers.run(tasks, t -> threads.add(Thread.currentThread()));
        assertEquals(tasks, threads.size(), "the helpers once the core is back");
    }

    @Test
    void aSecondCallerWhileBusyRunsItsTasksItself() throws InterruptedException {
        int tasks = workers.threads();
        if (tasks < 2) return;
        var inside = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Thread first = new Thread(() -> workers.run(tasks, t -> {
            if (t == 0) holdUntil(inside, release);
        }));
        first.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        var threads = ConcurrentHashMap.<Thread>newKeySet();
        workers.run(tasks, t -> threads.add(Thread.currentThread()));
        assertEquals(Set.of(Thread.currentThread()), threads);
        release.countDown();
        first.join(10_000);
    }

    @Test
    void aBackgroundTaskRunsWhileTheCallerGoesOnAndJoinWaitsForIt() throws InterruptedException {
        if (workers.threads() < 2) return;
        for (int call = 0; call < 50; call++) {
            var callerWentOn = new CountDownLatch(1);
            var ranOn = new Thread[1];
            var finished = new boolean[1];
            RowWorkers.Pending pending = workers.inBackground(() -> {
                ranOn[0] = Thread.currentThread();
                try { // would wait forever had inBackground run this on the caller's thread
                    assertTrue(callerWentOn.await(10, TimeUnit.SECONDS));
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                finished[0] = true;
            });
            callerWentOn.countDown();
            // Meanwhile the caller's own run() uses no helper (the one it has is busy): all on this thread.
            var threads = ConcurrentHashMap.<Thread>newKeySet();
            workers.run(workers.threads(), t -> threads.add(Thread.currentThread()));
            assertEquals(Set.of(Thread.currentThread()), threads);
            pending.join();
            assertTrue(finished[0], "join returned before the task finished");
            assertTrue(ranOn[0] != Thread.currentThread());
        }
        var threads = ConcurrentHashMap.<Thread>newKeySet(); // and afterwards the helpers work again
        workers.run(workers.threads(), t -> threads.add(Thread.currentThread()));
        assertEquals(workers.threads(), threads.size());
    }

    @Test
    void aBackgroundFailureReachesJoin() {
        if (workers.threads() < 2) return;
        RowWorkers.Pending pending = workers.inBackground(() -> {
            throw new IllegalStateException("in the background");
        });
        assertEquals("in the background", assertThrows(IllegalStateException.class, pending::join).getMessage());
        var runs = new AtomicIntegerArray(workers.threads());
        workers.run(workers.threads(), runs::incrementAndGet);
        for (int t = 0; t < workers.threads(); t++) assertEquals(1, runs.get(t));
    }

    /** Counts {@code inside} down, then waits for {@code release}: a task that holds what it has until told. */
    private static void holdUntil(CountDownLatch inside, CountDownLatch release) {
        inside.countDown();
        try {
            release.await();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
