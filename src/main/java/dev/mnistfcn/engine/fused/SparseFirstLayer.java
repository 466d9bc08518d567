package dev.mnistfcn.engine.fused;

import org.bytedeco.javacpp.FloatPointer;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The training step's first layer over the non-zero inputs only: the forward product z = x·W + b and the weight
 * gradient xᵀ·δ of one mini-batch, both on the two cores ({@link RowWorkers}). 81% of MNIST's pixels are 0, so
 * both products, which are most of a tutorial network's arithmetic, shrink about fivefold.
 *
 * <p>Reads and writes the weights in input-major order (row k = the {@code out} weights of input k), the heap
 * layout {@link FusedDenseNetwork} keeps for layer 0 while this is in use (DL4J stores them output-major). The
 * forward pass adds, for each non-zero input of a row, its weight row times the value, in 8 vector accumulators
 * per block of columns (as {@link SparseForward}); the gradient lists the batch by input first, so each
 * gradient row is summed in registers and written once.
 *
 * <p>Why not OpenBLAS on the dense batch: measured on the 2-core AVX-512 machine, a two-layer batch-50 epoch took
 * 1.18 s with both products in OpenBLAS 0.3.19 and 0.65 s with this (the first version, before the column blocks);
 * docs/performance.md has each step. But OpenBLAS does win on the inputs that are often non-zero: the {@link
 * Listing#dense} inputs (MNIST's central pixels) go through a one-thread GEMM on each core, each core its own rows
 * (forward) or inputs (gradient), and only the other inputs through the loop over non-zero values.
 */
final class SparseFirstLayer {
    private static final int L = BlockSum.L;
    private static final int BLOCK = BlockSum.WIDTH;
    private static final int MIN_ROWS_PER_WORKER = 8;

    private final int in;
    private final int out;
    private OffHeap denseInputs;            // the batch's dense inputs, row-major (rows × dense)
    private OffHeap denseWeights;           // their weight rows (dense × out), copied before each forward pass
    private OffHeap denseProduct;           // rows × out
    private OffHeap deltas;                 // δ, rows × out, for the gradient's GEMM
    private OffHeap denseGradient;          // dense × out
    private int[] start = new int[1];       // row r's entries: start[r]..start[r+1]
    private int[] index = new int[0];       // input of each entry
    private float[] value = new float[0];   // its (dropped-out) value
    private final int[] byInput;            // the same entries listed by input: byInput[k]..byInput[k+1]
    private int[] rowOf = new int[0];
    private float[] valueOf = new float[0];
    private final int[] next;               // the next free slot of each input while listing by input
    private int batchRows;                  // of the last gather
    private int entries;                    // of the last gather
    private Listing source;                 // the last gather's data set, rows and input dropout mask
    private int[] batch;
    private float[] dropMask;
    private RowWorkers.Pending byInputListing; // listing the last forward's batch by input, on a helper

    SparseFirstLayer(int in, int out) {
        this.in = in;
        this.out = out;
        byInput = new int[in + 1];
        next = new int[in];
    }

    /** The share of non-zero values in the first {@code rows} rows of {@code features} (for choosing this path). */
    static double density(FloatBuffer features, int rows, int in) {
        long nonZero = 0;
        for (int i = 0; i < rows * in; i++) nonZero += features.get(i) != 0f ? 1 : 0;
        return rows == 0 ? 1 : nonZero / (double) (rows * in);
    }

    /**
     * A whole data set split by input: the {@code dense} inputs (those non-zero in more than {@code denseShare} of
     * the rows, ascending) as a row-major matrix {@code denseValues} (rows × dense.length), and the non-zero values
     * of all other inputs, row by row ({@code listable}: 1 for those inputs, 0 for the dense ones). Made once, so
     * that a batch only copies its rows (listing each batch's rows anew cost 85-105 ms of a 0.47-0.7 s MNIST epoch
     * here). 55,000 MNIST images at {@link #DENSE_SHARE}: 259 dense
     * inputs holding 86% of the non-zero values (57 MB), 1.2M other entries (9 MB); with no dense inputs 8.3M
     * entries (66 MB).
     */
    record Listing(int rows, int[] start, int[] index, float[] value, int[] dense, float[] denseValues, int[] listable) {
        /**
         * Above this share of non-zero values an input's products are cheaper in OpenBLAS: measured here, a
         * one-thread SGEMM of 256 rows × 259 inputs × 256 outputs ran at 150-180 GFLOP/s (both cores at once), the
         * loop over non-zero values at 37-45, so the GEMM wins from about a quarter non-zero.
         */
        static final double DENSE_SHARE = 0.25;
        /**
         * From this many rows per batch (half per core): GEMMs of 25 and 64 rows run at only 60-140 GFLOP/s here.
         * Measured in one JVM, batches alternating between both listings (two-layer, epochs 2-6): batch 512 forward
         * 0.79 vs 0.93 ms, gradient 0.84 vs 0.94 ms; batch 256 0.51 vs 0.50 and 0.42 vs 0.44 ms. Across runs, batch
         * 128's epochs took 0.26-0.28 s with dense inputs and 0.23-0.26 without, batch 50's 0.38-0.39 vs 0.30-0.32.
         */
        static final int DENSE_BATCH = 256;

        /** The listing for training in batches of {@code batchRows}: dense inputs only from {@link #DENSE_BATCH}. */
        static Listing forBatches(FloatBuffer features, int rows, int in, int batchRows) {
            return of(features, rows, in, batchRows >= DENSE_BATCH ? DENSE_SHARE : 1);
        }

        static Listing of(FloatBuffer features, int rows, int in, double denseShare) {
            // Plain scalar passes (counting, then listing) so that the arrays are allocated once at their size.
            // Scalar: this runs once, at the first batch, before the JIT has compiled any Vector API code (which
            // runs many times slower until then).
            float[] x = new float[in];
            int[] nonZero = new int[in];
            // Counted only where an input can be dense: at a share of 1 (batches below DENSE_BATCH, so each augmented
            // epoch of best-mlp) none can. 55,000 MNIST rows, 6 repetitions: 102-112 ms without the pass, 120-130 with.
            for (int r = 0; r < rows && denseShare < 1; r++) {
                features.get(r * in, x, 0, in);
                for (int t = 0; t < in; t++) nonZero[t] += x[t] != 0f ? 1 : 0;
            }
            int[] dense = new int[in];
            int d = 0;
            for (int t = 0; t < in; t++) if (nonZero[t] > denseShare * rows) dense[d++] = t;
            dense = Arrays.copyOf(dense, d);
            int[] listable = new int[in];
            Arrays.fill(listable, 1);
            for (int t : dense) listable[t] = 0;
            int[] start = new int[rows + 1];
            for (int r = 0; r < rows; r++) {
                features.get(r * in, x, 0, in);
                int listed = 0;
                for (int t = 0; t < in; t++) listed += (x[t] != 0f ? 1 : 0) & listable[t];
                start[r + 1] = start[r] + listed;
            }
            int[] index = new int[start[rows] + 1]; // + 1: the branch-free loop below writes one slot past its last entry
            float[] value = new float[start[rows] + 1];
            float[] denseValues = new float[rows * d];
            for (int r = 0; r < rows; r++) {
                features.get(r * in, x, 0, in);
                for (int p = 0; p < d; p++) denseValues[r * d + p] = x[dense[p]];
                int c = start[r];
                for (int t = 0; t < in; t++) { // branch-free (the slot is overwritten unless listed): a branch on
                    // MNIST's pixels mispredicts; measured alone, 55,000 rows: 75 vs 138 ms warm, 300 vs 350 ms cold
                    index[c] = t;
                    value[c] = x[t];
                    c += (x[t] != 0f ? 1 : 0) & listable[t];
                }
            }
            return new Listing(rows, start, index, value, dense, denseValues, listable);
        }
    }

    /**
     * Takes the chosen {@code rows} of {@code all} as this batch, each value times its input dropout mask value
     * where {@code mask} is not null (row-major over the batch, {@code in} columns). Only the batch's row offsets are
     * computed here; {@link #forward} copies the rows' entries, on both cores.
     */
    void gather(Listing all, int[] rows, float[] mask) {
        finishListing(); // a batch whose gradient was never taken
        byInputListing = null;
        int n = rows.length;
        if (start.length < n + 1) start = new int[n + 1];
        int c = 0;
        for (int r = 0; r < n; r++) {
            start[r] = c;
            c += all.start()[rows[r] + 1] - all.start()[rows[r]];
        }
        start[n] = c;
        if (index.length < c) grow(c);
        int d = all.dense().length;
        if (d > 0 && (denseInputs == null || denseInputs.size < (long) n * d || deltas.size < (long) n * out
                || denseWeights.size < (long) d * out)) {
            denseInputs = new OffHeap((long) n * d);
            denseProduct = new OffHeap((long) n * out);
            deltas = new OffHeap((long) n * out);
            denseWeights = new OffHeap((long) d * out);
            denseGradient = new OffHeap((long) d * out);
        }
        source = all;
        batch = rows;
        dropMask = mask;
        batchRows = n;
        entries = c;
    }

    /**
     * z[r·out + j] = bias[j] + Σ x[r,k]·w[k·out + j], rows split over the cores: the dense inputs' part in a GEMM,
     * then the other inputs' non-zero values. OpenBLAS must be at one thread (each core calls it).
     */
    void forward(float[] w, int wOffset, float[] bias, int bOffset, float[] z, int n) {
        int[] dense = source.dense();
        int d = dense.length;
        for (int p = 0; p < d; p++) denseWeights.buffer.put(p * out, w, wOffset + dense[p] * out, out);
        int workers = Math.max(1, Math.min(RowWorkers.SHARED.threads(), n / MIN_ROWS_PER_WORKER));
        RowWorkers.SHARED.run(workers, t -> {
            int from = t * n / workers, to = (t + 1) * n / workers;
            copyRows(from, to);
            if (d == 0) {
                forwardRows(w, wOffset, bias, bOffset, 0, z, from, to);
                return;
            }
            Gemm.rowMajor(denseInputs.pointer, (long) from * d, d, false, denseWeights.pointer, out,
                    denseProduct.pointer, (long) from * out, to - from, out, d);
            denseProduct.buffer.get(from * out, z, from * out, (to - from) * out);
            for (int r = from; r < to; r++) {
                for (int j = 0; j < out; j++) z[r * out + j] += bias[bOffset + j];
            }
            forwardRows(w, wOffset, z, 0, out, z, from, to); // adds the other inputs to z
        });
    }

    /**
     * Starts listing the batch of the last {@link #forward} by input, for {@link #weightGradient}, on a helper thread
     * while the caller goes on (with the layers above, when those leave the second core free).
     */
    void listByInputInBackground() {
        byInputListing = RowWorkers.SHARED.inBackground(this::listByInput);
    }

    /**
     * Waits for the listing {@link #listByInputInBackground} started, if any, so that the helper is free again; the
     * joined listing stays, so that {@link #weightGradient} knows it is done (joining again returns at once).
     */
    void finishListing() {
        if (byInputListing != null) byInputListing.join();
    }

    /** Copies rows from..to-1 of the batch from the data set's listing (the batch's rows lie scattered in it). */
    private void copyRows(int from, int to) {
        int[] dense = source.dense();
        int d = dense.length;
        float[] masked = dropMask != null && d > 0 ? new float[d] : null;
        for (int r = from; r < to; r++) {
            int row = batch[r];
            int c = start[r];
            int len = start[r + 1] - c;
            System.arraycopy(source.index(), source.start()[row], index, c, len);
            System.arraycopy(source.value(), source.start()[row], value, c, len);
            if (dropMask != null) for (int e = c; e < c + len; e++) value[e] *= dropMask[r * in + index[e]];
            if (masked == null) {
                if (d > 0) denseInputs.buffer.put(r * d, source.denseValues(), row * d, d);
            } else {
                for (int p = 0; p < d; p++) masked[p] = source.denseValues()[row * d + p] * dropMask[r * in + dense[p]];
                denseInputs.buffer.put(r * d, masked, 0, d);
            }
        }
    }

    /** z rows from..to-1 = init (row r at {@code io + r·initRowStride}) + the listed inputs' products. */
    private void forwardRows(float[] w, int wo, float[] init, int io, int initRowStride, float[] z, int from, int to) {
        int full = out / BLOCK * BLOCK;
        // Block by block of columns, each over all rows: a block's weights (784 × 128 floats with AVX-512) stay in
        // the core's cache while the rows pass.
        for (int col = 0; col < full; col += BLOCK) {
            for (int r = from; r < to; r++) {
                BlockSum.eight(w, wo + col, out, index, value, start[r], start[r + 1], init, io + r * initRowStride + col,
                        z, r * out + col);
            }
        }
        for (int r = from; r < to; r++) {
            int col = full;
            for (; col + L <= out; col += L) { // a narrower last block, one vector at a time
                BlockSum.one(w, wo + col, out, index, value, start[r], start[r + 1], init, io + r * initRowStride + col,
                        z, r * out + col);
            }
            for (; col < out; col++) { // and what is left of a vector
                z[r * out + col] = BlockSum.single(w, wo + col, out, index, value, start[r], start[r + 1],
                        init[io + r * initRowStride + col]);
            }
        }
    }

    /** Lists the batch's entries by input (byInput, rowOf, valueOf), each input's in row order. */
    private void listByInput() {
        Arrays.fill(byInput, 0);
        for (int e = 0; e < entries; e++) byInput[index[e] + 1]++;
        for (int k = 0; k < in; k++) byInput[k + 1] += byInput[k];
        if (rowOf.length < entries) {
            rowOf = new int[index.length];
            valueOf = new float[index.length];
        }
        System.arraycopy(byInput, 0, next, 0, in);
        for (int r = 0; r < batchRows; r++) {
            for (int e = start[r]; e < start[r + 1]; e++) {
                int slot = next[index[e]]++;
                rowOf[slot] = r;
                valueOf[slot] = value[e];
            }
        }
    }

    /**
     * g[k·out + j] (from {@code gOffset}) = Σ_r x[r,k]·δ[r·out + j] over the batch of the last {@link #forward}:
     * each core takes a share of the dense inputs (a GEMM; OpenBLAS must be at one thread) and of the other inputs'
     * entries, listed by input (here, unless {@link #listByInputInBackground} did).
     */
    void weightGradient(float[] delta, float[] g, int gOffset) {
        if (byInputListing == null) {
            listByInput();
        } else {
            byInputListing.join();
            byInputListing = null;
        }
        int[] dense = source.dense();
        int d = dense.length;
        int n = batchRows;
        if (d > 0) deltas.buffer.put(0, delta, 0, n * out);
        int workers = Math.max(1, Math.min(RowWorkers.SHARED.threads(), batchRows / MIN_ROWS_PER_WORKER));
        int[] split = new int[workers + 1];
        split[workers] = in;
        for (int t = 1, k = 0; t < workers; t++) { // equal shares of the entries
            while (k < in && byInput[k] < (long) entries * t / workers) k++;
            split[t] = k;
        }
        RowWorkers.SHARED.run(workers, t -> {
            gradientInputs(delta, g, gOffset, split[t], split[t + 1]);
            int p0 = t * d / workers, p1 = (t + 1) * d / workers;
            if (p1 == p0) return;
            Gemm.rowMajor(denseInputs.pointer, p0, d, true, deltas.pointer, out,
                    denseGradient.pointer, (long) p0 * out, p1 - p0, out, n);
            for (int p = p0; p < p1; p++) denseGradient.buffer.get(p * out, g, gOffset + dense[p] * out, out);
        });
    }

    private void gradientInputs(float[] delta, float[] g, int go, int from, int to) {
        int full = out / BLOCK * BLOCK;
        for (int k = from; k < to; k++) { // listed inputs no row of the batch has: zero rows
            if (byInput[k] == byInput[k + 1] && source.listable()[k] == 1) Arrays.fill(g, go + k * out, go + (k + 1) * out, 0f);
        }
        // Block by block of columns, as in forwardRows: the block's slice of δ stays in cache.
        for (int col = 0; col < full; col += BLOCK) {
            for (int k = from; k < to; k++) {
                if (byInput[k] == byInput[k + 1]) continue;
                BlockSum.eight(delta, col, out, rowOf, valueOf, byInput[k], byInput[k + 1], null, 0, g, go + k * out + col);
            }
        }
        for (int k = from; k < to; k++) {
            if (byInput[k] == byInput[k + 1]) continue;
            int col = full;
            for (; col + L <= out; col += L) {
                BlockSum.one(delta, col, out, rowOf, valueOf, byInput[k], byInput[k + 1], null, 0, g, go + k * out + col);
            }
            for (; col < out; col++) {
                g[go + k * out + col] = BlockSum.single(delta, col, out, rowOf, valueOf, byInput[k], byInput[k + 1], 0f);
            }
        }
    }

    /** Floats in native memory, for OpenBLAS (a pointer) and for Java (a buffer over the same memory). */
    private static final class OffHeap {
        final long size;
        final FloatPointer pointer;
        final FloatBuffer buffer;

        OffHeap(long size) {
            this.size = size;
            pointer = new FloatPointer(size);
            buffer = pointer.asBuffer();
        }
    }

    private void grow(int size) {
        int n = Math.max(size, 2 * index.length);
        index = Arrays.copyOf(index, n);
        value = Arrays.copyOf(value, n);
    }
}
