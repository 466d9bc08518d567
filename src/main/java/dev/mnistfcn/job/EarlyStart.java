package dev.mnistfcn.job;

import dev.mnistfcn.engine.Warmup;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Start-up work moved onto the spare core of the 2-core machines this runs on (issue 29): ND4J's native start while
 * the CLI reads its arguments and config, MNIST's reading and checksums while the network is built, the hot kernels'
 * JIT warm-up while MNIST is read. The results are
 * the same whichever thread computes them; {@code -Dmnistfcn.early=false} runs it all in order on the main thread,
 * for A/B runs.
 */
public final class EarlyStart {
    /**
     * Warm-up batches before epoch 1 ({@code engine/Warmup}): at least this many ({@code -Dmnistfcn.warmup=N}; 0: none),
     * more while MNIST is still being read, at most {@link #WARMUP_MAX} ({@code -Dmnistfcn.warmup.max=N}), each of at
     * most {@link #WARMUP_ROWS} rows where the config's batch is below the engine's large-batch path
     * ({@code -Dmnistfcn.warmup.batch=N}; the config's batch size itself before issue 29's third round: 200 of them).
     */
    static final int WARMUP_MIN = Integer.getInteger("mnistfcn.warmup", 400);
    static final int WARMUP_MAX = Math.max(WARMUP_MIN, Integer.getInteger("mnistfcn.warmup.max", 1000));
    static final int WARMUP_ROWS = Integer.getInteger("mnistfcn.warmup.batch", Warmup.SMALL_BATCH);

    private EarlyStart() {
    }

    public static boolean enabled() {
        return !"false".equals(System.getProperty("mnistfcn.early"));
    }

    /** {@code work} on a new daemon thread: a command that ends before it needs the result does not wait for it. */
    static <T> CompletableFuture<T> onSpareCore(String name, Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            t.start();
        });
    }

    /** The result once there; a failure (a damaged file, a failed fetch) thrown as if the work ran on this thread. */
    static <T> T joined(CompletableFuture<T> work) {
        try {
            return work.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw e;
        }
    }
}
