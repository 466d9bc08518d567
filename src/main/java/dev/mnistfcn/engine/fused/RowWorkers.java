package dev.mnistfcn.engine.fused;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * Runs a few tasks at once for {@link SparseForward}, {@link SparseFirstLayer} and the Adam step: task 0 on the
 * caller's thread, the others on helper threads that spin for a moment after each task, waiting for the next, before
 * they park.
 *
 * <p>Why not the common fork-join pool: its idle workers park at once, and waking one costs more than a batch of
 * 50 rows takes to compute. Measured on the 2-core reference machine, 200 batches of 50 test images in one JVM,
 * 8 alternating rounds: one thread 44-55 ms, common pool 28-48 ms (median 37), these helpers 24-36 ms (median 30).
 * The spin costs at most {@link #SPIN_NANOS} of a core after each call.
 */
final class RowWorkers {
    /** Back-to-back calls (an evaluation loop over batches) come well within this. */
    private static final long SPIN_NANOS = 100_000;
    /** More threads than this would spin for little: a batch of 50 rows is split in at most this many parts. */
    private static final int MAX_THREADS = 4;

    static final RowWorkers SHARED = new RowWorkers(Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()));

    private final int threads;
    private final ReentrantLock busy = new ReentrantLock();
    private Helper[] helpers; // started at the first call that uses them

    private RowWorkers(int threads) {
        this.threads = threads;
    }

    /** How many tasks {@link #run} runs at once: the caller and its helpers. */
    int threads() {
        return threads;
    }

    /**
     * Runs {@code task.accept(0..tasks-1)} and returns when all have finished; {@code tasks <= threads()}.
     * A second caller while the helpers are busy runs its tasks one after another on its own thread.
     */
    void run(int tasks, IntConsumer task) {
        if (tasks > threads) throw new IllegalArgumentException(tasks + " tasks for " + threads + " threads");
        if (tasks == 1 || !busy.tryLock()) {
            for (int t = 0; t < tasks; t++) task.accept(t);
            return;
        }
        try {
            if (helpers == null) {
                helpers = new Helper[threads - 1];
                for (int h = 0; h < helpers.length; h++) helpers[h] = new Helper(h + 1);
            }
            for (int t = 1; t < tasks; t++) helpers[t - 1].submit(task);
            Throwable failure = null;
            try {
                task.accept(0);
            } catch (Throwable e) {
                failure = e;
            }
            for (int t = 1; t < tasks; t++) {
                Throwable f = helpers[t - 1].await();
                if (failure == null) failure = f;
            }
            if (failure instanceof RuntimeException e) throw e;
            if (failure instanceof Error e) throw e;
        } finally {
            busy.unlock();
        }
    }

    private static final class Helper extends Thread {
        private final int index;
        private volatile IntConsumer job;
        private volatile boolean done = true;
        private volatile boolean parked;
        private volatile Throwable failure;

        Helper(int index) {
            super("mnist-fcn-rows-" + index);
            this.index = index;
            setDaemon(true);
            start();
        }

        void submit(IntConsumer task) {
            failure = null;
            done = false;
            job = task;
            if (parked) LockSupport.unpark(this);
        }

        Throwable await() {
            while (!done) Thread.onSpinWait();
            return failure;
        }

        @Override
        public void run() {
            while (true) {
                IntConsumer task = next();
                try {
                    task.accept(index);
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    job = null;
                    done = true;
                }
            }
        }

        /** Spins, then parks; submit() writes job before it reads parked, this writes parked before it reads job. */
        private IntConsumer next() {
            long start = System.nanoTime();
            IntConsumer task;
            while ((task = job) == null && System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
            if (task != null) return task;
            parked = true;
            while ((task = job) == null) LockSupport.park(this);
            parked = false;
            return task;
        }
    }
}
