package dev.mnistfcn.engine.fused;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

/**
 * OpenBLAS threads for the next GEMMs, measured on the 2-core reference machine: one for batch 50, where a
 * second thread made a training step slower (2.17 vs 1.85 ms, interleaved A/B); all cores from
 * {@value #PARALLEL_ROWS} rows: a batch-128 epoch 0.81 instead of 1.07-1.23 s, batch 512 no change, and the
 * 10,000-image forward pass 49-57 instead of 71-82 ms. The process otherwise keeps ND4J at one thread
 * ({@code NativeSettings}).
 *
 * <p>OpenBLAS's thread count is one global setting, so it changes only while no other inference call is inside
 * its GEMMs: a concurrent caller keeps the count it finds rather than switch it under a {@code cblas_sgemm} in
 * flight or wait for a lock. Concurrent callers are the parallelism then (a server's requests). With OpenBLAS's
 * SkylakeX kernels the numbers are the same either way; with its Haswell kernels such a caller's probabilities can
 * differ in the last bit from a lone call's (found while writing {@link #beforeGemm}; a request of fewer than
 * {@value #PARALLEL_ROWS} pictures is on one thread either way).
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

    private static final Object LOCK = new Object(); // guards the fields below
    private static int blasThreads = -1;
    private static int wanted = -1;       // the count the last useFor set (beforeGemm returns to it)
    private static int inferenceInFlight; // calls, over all networks, between their first and last inference GEMM
    /** Per GEMM shape, whether one thread gives the bits that more threads give ({@link #beforeGemm}). */
    private static final Map<Shape, Boolean> SAME_ON_ONE_THREAD = new HashMap<>();

    private BlasThreads() {
    }

    /** Sets OpenBLAS's threads for GEMMs over {@code rows} rows, unless another inference call is in its GEMMs. */
    static void useFor(int rows) {
        int threads = rows >= PARALLEL_ROWS ? Runtime.getRuntime().availableProcessors() : 1;
        synchronized (LOCK) {
            // Refused while another call is in its GEMMs, as before: that call's GEMMs go on at the count it found,
            // and beforeGemm must not switch them to this caller's count later.
            if (inferenceInFlight > 1) return;
            wanted = threads;
            set(threads);
        }
    }

    /** Whether the next GEMMs run at one thread: two of them may then run at once, one per core, with the same bits. */
    static boolean atOneThread() {
        synchronized (LOCK) {
            return wanted == 1;
        }
    }

    /**
     * Just before an m×n×k GEMM ({@code cblas_sgemm}'s row-major arguments): one thread instead of those {@link
     * #useFor} set while other work has a core of its own ({@link SpareCore}), but only for a shape where one thread
     * gives the same bits, so that the training's numbers never depend on when that work runs. Whether it does is
     * found once per shape, on random operands. Why ask: OpenBLAS's SkylakeX kernels gave the same bits for all of
     * best-mlp's GEMMs, its Haswell kernels (the AVX2 machines') not for all of them.
     */
    static void beforeGemm(int m, int n, int k, boolean transA, boolean transB, int lda, int ldb) {
        synchronized (LOCK) {
            int threads = wanted;
            if (threads > 1 && SpareCore.taken() && inferenceInFlight <= 1) { // no other call inside its GEMMs
                Shape shape = new Shape(m, n, k, transA, transB, lda, ldb);
                Boolean same = SAME_ON_ONE_THREAD.get(shape);
                if (same == null) SAME_ON_ONE_THREAD.put(shape, same = shape.sameBitsOnOneThreadAs(threads));
                if (same) threads = 1;
            }
            set(threads);
        }
    }

    /**
     * Whether some GEMM shape seen while other work had the spare core kept all of OpenBLAS's threads (one thread
     * gave other bits): the training then still needs both cores, and {@link SpareCore} gives up the rest of its plan.
     */
    static boolean someShapeKeepsAllThreads() {
        synchronized (LOCK) {
            return SAME_ON_ONE_THREAD.containsValue(false);
        }
    }

    private static void set(int threads) {
        if (threads >= 1 && threads != blasThreads && inferenceInFlight <= 1) {
            Nd4j.factory().blas().setMaxThreads(threads);
            blasThreads = threads;
        }
    }

    /** A row-major {@code cblas_sgemm} call's shape: C (m×n) = op(A)·op(B), leading dimensions lda and ldb. */
    private record Shape(int m, int n, int k, boolean transA, boolean transB, int lda, int ldb) {
        /** Random operands of this shape multiplied on one thread and on {@code threads}: the same bits? */
        boolean sameBitsOnOneThreadAs(int threads) {
            try (FloatPointer a = random((long) (transA ? k : m) * lda, 1);
                 FloatPointer b = random((long) (transB ? n : k) * ldb, 2);
                 FloatPointer one = new FloatPointer((long) m * n);
                 FloatPointer more = new FloatPointer((long) m * n)) {
                multiply(a, b, one, 1);
                multiply(a, b, more, threads);
                blasThreads = threads;
                float[] x = new float[m * n];
                float[] y = new float[m * n];
                one.get(x);
                more.get(y);
                return Arrays.equals(x, y); // bit for bit, -0 and NaN included
            }
        }

        private void multiply(FloatPointer a, FloatPointer b, FloatPointer c, int threads) {
            Nd4j.factory().blas().setMaxThreads(threads);
            cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
        }

        private static FloatPointer random(long length, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            float[] values = new float[Math.toIntExact(length)];
            for (int i = 0; i < values.length; i++) values[i] = (float) (rng.nextDouble() * 2 - 1);
            return new FloatPointer(values);
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
