package dev.mnistfcn.engine.fused;

import org.nd4j.linalg.factory.Nd4j;

/**
 * OpenBLAS threads for the next GEMMs, measured on the 2-core reference machine: one for batch 50, where a
 * second thread made a training step slower (2.17 vs 1.85 ms, interleaved A/B); all cores from
 * {@value #PARALLEL_ROWS} rows: a batch-128 epoch 0.81 instead of 1.07-1.23 s, batch 512 no change, and the
 * 10,000-image forward pass 49-57 instead of 71-82 ms. The process otherwise keeps ND4J at one thread
 * ({@code NativeSettings}).
 *
 * <p>OpenBLAS's thread count is one global setting, so it changes only while no other inference call is inside
 * its GEMMs: a concurrent caller keeps the count it finds (the numbers are the same either way, only the speed
 * differs) rather than switch it under a {@code cblas_sgemm} in flight or wait for a lock. Concurrent callers
 * are the parallelism then (a server's requests).
 */
final class BlasThreads {
    private static final int PARALLEL_ROWS = 100;
    /**
     * With layer 0 sparse, the GEMMs of the layers after it get OpenBLAS's threads only from this many
     * multiply-adds per row-weight product on: the helper threads of {@link SparseFirstLayer} spin a moment after
     * each call and slow a two-thread GEMM that follows. Measured here at batch 512: the tutorial's 256×64 layer
     * (8.4M) took 0.32-0.36 s per epoch with one thread, 0.56-0.68 s with two; config/tuned.yaml's 1024×1024
     * (134M at batch 128) is GEMM-bound and needs both cores.
     */
    static final long PARALLEL_PRODUCT = 32L << 20;

    private static final Object LOCK = new Object(); // guards the two fields below
    private static int blasThreads = -1;
    private static int inferenceInFlight; // calls, over all networks, between their first and last inference GEMM

    private BlasThreads() {
    }

    /** Sets OpenBLAS's threads for GEMMs over {@code rows} rows, unless another inference call is in its GEMMs. */
    static void useFor(int rows) {
        int threads = rows >= PARALLEL_ROWS ? Runtime.getRuntime().availableProcessors() : 1;
        synchronized (LOCK) {
            if (threads != blasThreads && inferenceInFlight <= 1) {
                Nd4j.factory().blas().setMaxThreads(threads);
                blasThreads = threads;
            }
        }
    }

    /** An inference call is about to run its GEMMs. */
    static void inferenceStarts() {
        synchronized (LOCK) {
            inferenceInFlight++;
        }
    }

    /** An inference call is done with its GEMMs. */
    static void inferenceEnds() {
        synchronized (LOCK) {
            inferenceInFlight--;
        }
    }
}
