package dev.mnistfcn.engine.fused;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * Runs a few tasks at once for {@link SparseForward}, {@link SparseFirstLayer} and the Adam step: task 0 on the
 * caller's thread, the others on helper threads that spin for a moment after each task, waiting for the next, before
 * they park; or one task on a helper while the caller goes on ({@link #inBackground}).
 *
 * <p>Why not the common fork-join pool: its idle workers park at once, and waking one costs more than a batch of
 * 50 rows takes to compute. Measured on the 2-core reference machine, 200 batches of 50 test images in one JVM,
 * 8 alternating rounds: one thread 44-55 ms, common pool 28-48 ms (median 37), these helpers 24-36 ms (median 30).
 * The spin costs at most {@link #SPIN_NANOS} of a core after each call ({@link #READY_SPIN_NANOS} where the caller
 * says more follows).
 */
final class RowWorkers {
    /** Back-to-back calls (an evaluation loop over batches) come well within this. */
    private static final long SPIN_NANOS = 100_000;
    /**
     * After a background task or {@link #runAndStayReady} the caller comes back with more work once it has done its
     * own (a training step's layers above the first, or the step's end and the next batch's start: 0.1-1 ms), so
     * the helpers wait longer. Why spin rather than park: on this project's 2-core virtual machines a parked helper
     * started 70-85 µs late (median; 2,000 hand-offs after a 0.4-1 ms gap), 0.3-0.7 µs while spinning; in a
     * batch-128 epoch those late starts added up to about half of the weight gradient's time.
     */
    private static final long READY_SPIN_NANOS = 1_000_000;
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
        run(tasks, task, SPIN_NANOS);
    }

    /**
     * {@link #run}, for a caller that comes back with more within a millisecond (a training step's update, followed
     * by the next batch's first layer): the helpers wait for it spinning, not parked.
     */
    void runAndStayReady(int tasks, IntConsumer task) {
        run(tasks, task, READY_SPIN_NANOS);
    }

    private void run(int tasks, IntConsumer task, long spinAfter) {
        if (tasks > threads) throw new IllegalArgumentException(tasks + " tasks for " + threads + " threads");
        if (tasks == 1 || !takeHelpers()) {
            for (int t = 0; t < tasks; t++) task.accept(t);
            return;
        }
        try {
            for (int t = 1; t < tasks; t++) helpers[t - 1].submit(task, spinAfter);
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
            rethrow(failure);
        } finally {
            busy.unlock();
        }
    }

    private static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException e) throw e;
        if (failure instanceof Error e) throw e;
    }

    /**
     * Starts {@code task} on a helper and returns at once, so that the caller's thread can go on with other work;
     * {@link Pending#join} waits for it, and must be called before this caller's next use of the helpers. Where no
     * helper is free (one core, or another caller has them) the task runs here, before this returns.
     */
    Pending inBackground(Runnable task) {
        if (threads == 1 || !takeHelpers()) {
            task.run();
            return new Pending(null);
        }
        helpers[0].submit(t -> task.run(), READY_SPIN_NANOS);
        return new Pending(helpers[0]);
    }

    /** A task {@link #inBackground} started. */
    final class Pending {
        private Helper helper; // null once joined, or when the task ran at once

        private Pending(Helper helper) {
            this.helper = helper;
        }

        /** Waits for the task; rethrows what it threw. */
        void join() {
            if (helper == null) return;
            Throwable failure = helper.await();
            helper = null;
            busy.unlock();
            rethrow(failure);
        }
    }

    /**
     * Locks the helpers for this caller (false if another caller has them, or this one has them in the background, or
     * other work has the second core: {@link SpareCore}).
     */
    private boolean takeHelpers() {
        if (SpareCore.rowsOnOneCore() || busy.isHeldByCurrentThread() || !busy.tryLock()) return false;
        if (helpers == null) {
            helpers = new Helper[threads - 1];
            for (int h = 0; h < helpers.length; h++) helpers[h] = new Helper(h + 1);
        }
        return true;
    }

    private static final class Helper extends Thread {
        private final int index;
        private volatile IntConsumer job;
        private volatile boolean done = true;
        private volatile boolean parked;
        private volatile Throwable failure;
        private long spinAfter;                // how long to wait, spinning, for the task after this job

        Helper(int index) {
            super("mnist-fcn-rows-" + index);
            this.index = index;
            setDaemon(true);
            start();
        }

        void submit(IntConsumer task, long spinAfter) {
            this.spinAfter = spinAfter; // read by this thread after it reads job
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
            long spin = SPIN_NANOS;
            while (true) {
                IntConsumer task = next(spin);
                spin = spinAfter;
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
        private IntConsumer next(long spin) {
            long start = System.nanoTime();
            IntConsumer task;
            while ((task = job) == null && System.nanoTime() - start < spin) Thread.onSpinWait();
            if (task != null) return task;
            parked = true;
            while ((task = job) == null) LockSupport.park(this);
            parked = false;
            return task;
        }
    }
}
