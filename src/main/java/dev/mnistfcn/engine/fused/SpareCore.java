package dev.mnistfcn.engine.fused;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Work this process does beside training (the next augmented epoch's images), given a core of its own: while it runs,
 * the fused engine's parallel parts run on the training thread alone. {@link BlasThreads} puts OpenBLAS at one thread
 * for each GEMM shape where that gives the same bits (found once per shape), and {@link RowWorkers} runs its tasks one
 * after another on the caller's thread, which gives the same bits always; but where some GEMM shape keeps all of
 * OpenBLAS's threads (its Haswell kernels, on AVX2 machines), the row workers keep theirs too: with the GEMMs still on
 * both cores, giving up the rest only made the epoch slower. The training's numbers never depend on when the work runs.
 *
 * <p>Why: left to the scheduler, the other work took a core from one of the training step's two threads at random
 * moments, and the other thread spun at the next hand-off until it came back, so the work cost about its whole CPU
 * time in wall-clock time. On one core the step loses only what the second core would have added meanwhile (at
 * best-mlp's sizes one core trains at about two thirds of the speed of two): augmentation cost +22% an epoch this
 * way against +32.5% (44 interleaved rounds each). Measured: docs/beyond-99.md, "What it costs".
 */
final class SpareCore {
    private static final AtomicInteger USERS = new AtomicInteger();

    private SpareCore() {
    }

    /** True while some thread runs work through {@link #run}. */
    static boolean taken() {
        return USERS.get() > 0;
    }

    /** True while {@link RowWorkers} should leave the spare core to that work. */
    static boolean rowsOnOneCore() {
        return taken() && !BlasThreads.someShapeKeepsAllThreads();
    }

    /** Runs {@code work} on the calling thread, with the fused engine on one core meanwhile. */
    static void run(Runnable work) {
        USERS.incrementAndGet();
        try {
            work.run();
        } finally {
            USERS.decrementAndGet();
        }
    }
}
