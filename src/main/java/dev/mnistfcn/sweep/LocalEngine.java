package dev.mnistfcn.sweep;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mnistfcn.Json;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs a sweep's runs in worker processes on this machine: {@code workers} child JVMs, each training one run at a
 * time with {@code threads} native and Java threads ({@code OMP_NUM_THREADS} and {@code -XX:ActiveProcessorCount},
 * which sizes the fused engine's row workers). Separate processes rather than threads: ND4J's native thread pools
 * and workspaces are per process, a run that dies of memory takes only its worker with it, and each worker is the
 * same tuned JVM as a plain {@code train}.
 */
public final class LocalEngine implements TrialEngine {
    /** What one worker holds at its peak for two-layer, batch 50 (measured: 1.1 GB RSS with -Xmx1g): for the cap. */
    static final long WORKER_BYTES = 1_500L << 20;

    private final int workers;
    private final int threads;
    /**
     * Worker processes, started by the first round that needs them and kept for the next until {@link #close}: a
     * halving sweep's second round had paid a JVM start, ND4J's and the first read of MNIST again (SweepJobTest's
     * 2-round sweep: 23 s, now 14).
     */
    private final List<Worker> pool = new ArrayList<>();
    /** Set by {@link #stopNow}: no worker starts any more, and {@link #run} ends as interrupted. */
    private volatile boolean stopping;

    public LocalEngine(int workers, int threads) {
        this.workers = workers;
        this.threads = threads;
    }

    /**
     * One thread per worker and as many workers as cores, capped by memory. A small fully-connected net at batch
     * 50 keeps one core busy and gains little from a second (its matrices are too small to split well), so
     * separate runs side by side use the cores better than one run on all of them; on this 2-core machine: 2
     * workers × 1 thread.
     */
    public static LocalEngine forThisMachine(Integer workers, Integer threads) {
        int cores = Runtime.getRuntime().availableProcessors();
        int t = threads != null ? threads : 1;
        int w = workers != null ? workers : Math.max(1, Math.min(cores / t, (int) (totalMemory()
                / workerBytes(ManagementFactory.getRuntimeMXBean().getInputArguments(), Runtime.getRuntime().maxMemory()))));
        return new LocalEngine(w, t);
    }

    /**
     * What one worker may hold, for the cap: {@link #WORKER_BYTES}, or where the user sized the heap (workers take
     * it: {@link ChildJvm#workerOptions}) that heap and the same off-heap share; the cap had assumed 1 GB heaps.
     */
    static long workerBytes(List<String> inputArgs, long heapBytes) {
        return ChildJvm.sizesHeap(inputArgs) ? Math.max(WORKER_BYTES, heapBytes + WORKER_BYTES - (1L << 30)) : WORKER_BYTES;
    }

    private static long totalMemory() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : Long.MAX_VALUE;
    }

    public int workers() {
        return workers;
    }

    public int threads() {
        return threads;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "local engine: %d worker process%s × %d thread%s (%d cores here)", workers,
                workers == 1 ? "" : "es", threads, threads == 1 ? "" : "s", Runtime.getRuntime().availableProcessors());
    }

    @Override
    public void run(List<ExperimentConfig> runs, Consumer<TrialRunner.Done> done) {
        ConcurrentLinkedQueue<ExperimentConfig> queue = new ConcurrentLinkedQueue<>(runs);
        List<Thread> feeders = new ArrayList<>();
        AtomicReference<String> signalled = new AtomicReference<>();
        boolean ended = false;
        try {
            if (stopping) throw TrialEngine.interrupted("", null);
            for (int i = 0; i < Math.min(workers, runs.size()); i++) {
                Worker w = worker(i);
                Thread t = new Thread(() -> w.drain(queue, done, signalled), "sweep-worker-" + (i + 1));
                t.setDaemon(true); // never what keeps the JVM alive once the sweep has ended
                feeders.add(t);
                t.start();
            }
            for (Thread t : feeders) t.join();
            if (signalled.get() != null) throw TrialEngine.interrupted(" (" + signalled.get() + ")", null);
            if (stopping) throw TrialEngine.interrupted("", null);
            ended = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TrialEngine.interrupted("", e);
        } finally {
            // An interrupted sweep trained on in the background: its feeders started new workers for the queue's
            // remaining trials after run() had returned (a review).
            queue.clear();
            if (!ended) close();
        }
    }

    /** The {@code i}th worker, kept from an earlier round; a stopped one is not restarted. */
    private synchronized Worker worker(int i) {
        while (pool.size() <= i) pool.add(new Worker(pool.size() + 1));
        return pool.get(i);
    }

    /**
     * Ends {@link #run} as interrupted and starts no more trials, for this JVM's shutdown. Workers that Ctrl+C reached
     * end by themselves (and say which trial it cut); those it did not, as after a SIGTERM to the sweep's JVM alone,
     * get a SIGTERM after a second: they had trained on, and new trials started, until the JVM ended.
     */
    @Override
    public void stopNow() {
        stopping = true;
        List<Worker> all = started();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        for (Worker w : all) w.awaitEnd(deadline);
        all.forEach(Worker::kill);
    }

    /** Ends every worker (after its current trial, 10 s at most; at once where the caller was interrupted). */
    @Override
    public void close() {
        started().forEach(Worker::stop);
    }

    private synchronized List<Worker> started() {
        return List.copyOf(pool);
    }

    /**
     * Whether a worker that exited with {@code exitCode} was stopped with the sweep: SIGINT (130, the JVM's 128 + 2),
     * which Ctrl+C sends every process of the terminal's group, or SIGTERM (143) to this JVM too, as {@code kill} of
     * the group does. That ends the sweep, as it would a plain train, rather than failing the trial and ranking the
     * rest as if the sweep had finished (a review). A SIGTERM to the worker alone (a memory guard, a kill) is that
     * trial's failure.
     */
    private static boolean stoppedWithTheSweep(int exitCode) {
        return exitCode == 128 + 2 || exitCode == 128 + 15 && JvmShutdown.begun();
    }

    /** One child JVM, restarted if it dies; what it prints besides replies is kept for the error of a crash. */
    private final class Worker {
        private final int id;
        private Process process;    // guarded by this, with stopped: a stopped worker starts no process
        private boolean stopped;
        private BufferedReader replies;
        private final Deque<String> tail = new ArrayDeque<>();

        Worker(int id) {
            this.id = id;
        }

        void drain(ConcurrentLinkedQueue<ExperimentConfig> queue, Consumer<TrialRunner.Done> done,
                   AtomicReference<String> signalled) {
            for (ExperimentConfig run; (run = queue.poll()) != null; ) {
                TrialRunner.Done d = send(run, signalled);
                if (d == null) { // the sweep ended under this trial: neither trained nor failed
                    if (signalled.get() != null) queue.clear();
                    return;
                }
                done.accept(d);
            }
        }

        /** The trial's outcome, or null where the worker was stopped first, by the sweep or from outside. */
        private TrialRunner.Done send(ExperimentConfig run, AtomicReference<String> signalled) {
            Process p;
            synchronized (this) {
                if (stopped || stopping) return null; // no new trial once the JVM stops
                if (process == null || !process.isAlive()) {
                    try {
                        start();
                    } catch (IOException e) {
                        process = null;
                        return new TrialRunner.Done(run.name(), TrialRunner.How.FAILED, "worker " + id
                                + " could not start: " + e.getMessage());
                    }
                }
                p = process;
            }
            try {
                String line = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(ConfigLoader.toYaml(run));
                p.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().flush();
                for (String reply; (reply = replies.readLine()) != null; ) {
                    if (reply.startsWith(TrialWorker.REPLY)) {
                        return Json.MAPPER.readValue(reply.substring(TrialWorker.REPLY.length()), TrialRunner.Done.class);
                    }
                    keep(reply);
                }
            } catch (IOException e) {
                keep(e.toString());
            }
            synchronized (this) {
                if (stopped) return null;
                process = null;
            }
            int code;
            try { // its output ended: give it a moment to be reaped, or an exited worker reads as still alive (-1)
                code = p.waitFor(2, java.util.concurrent.TimeUnit.SECONDS) ? p.exitValue() : -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                code = -1;
            }
            String signal = code == 128 + 2 ? "SIGINT" : code == 128 + 15 ? "SIGTERM" : null;
            if (stoppedWithTheSweep(code)) {
                signalled.compareAndSet(null, "worker " + id + " was stopped by " + signal + " while training "
                        + run.name());
                return null;
            }
            if (signal != null) {
                return new TrialRunner.Done(run.name(), TrialRunner.How.FAILED, "worker " + id + " was stopped by "
                        + signal + " (exit code " + code + ") while training it, from outside the sweep (a kill, or a "
                        + "memory guard such as earlyoom or systemd-oomd)");
            }
            return new TrialRunner.Done(run.name(), TrialRunner.How.FAILED, "worker " + id + " ended (exit code " + code
                    + ") while training it; its last output: " + String.join(" | ", tail));
        }

        private void start() throws IOException {
            ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(List.of("-XX:ActiveProcessorCount=" + threads),
                    TrialWorker.class.getName(), List.of())).redirectErrorStream(true);
            pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
            pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
            ChildJvm.withoutAgents(pb.environment());
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new IOException("cannot start a worker JVM (" + pb.command().get(0) + "): " + e.getMessage(), e);
            }
            replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        private void keep(String line) {
            synchronized (tail) {
                tail.addLast(line);
                if (tail.size() > 8) tail.removeFirst();
            }
        }

        /** Waits until {@code deadline} (System.nanoTime) for the worker's process, if any, to end. */
        void awaitEnd(long deadline) {
            Process p;
            synchronized (this) {
                p = process;
            }
            try {
                if (p != null) p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Ends the worker now, with SIGTERM; its trial is neither trained nor failed. */
        void kill() {
            Process p;
            synchronized (this) {
                stopped = true;
                p = process;
            }
            if (p != null && p.isAlive()) p.toHandle().destroy();
        }

        /** Ends the worker after its current trial (10 s at most); at once where the caller was interrupted. */
        void stop() {
            Process p;
            synchronized (this) {
                stopped = true;
                p = process;
            }
            if (p == null) return;
            try {
                p.getOutputStream().close(); // end of input: the worker exits after its current run
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (IOException e) {
                p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt(); // the caller's, kept for it (waitFor had cleared it)
            }
        }
    }
}
