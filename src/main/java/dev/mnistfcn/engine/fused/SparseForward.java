package dev.mnistfcn.engine.fused;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.FloatBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The inference forward pass of a dense softmax network that multiplies only the non-zero inputs of each layer:
 * 81% of MNIST's pixels are 0, and so is about half of what a ReLU layer passes on. Each row's non-zero inputs
 * are listed first (index, value); each output block of 8 vectors then sums value × weight row over that list
 * in registers, with the Java Vector API (AVX2 here).
 *
 * <p>Why not a GEMM: measured on the 2-core reference machine, the 784→256 product of a batch of 50 takes
 * 0.42-0.46 ms in OpenBLAS (PyTorch's newer OpenBLAS: 0.31-0.35 ms), this 0.13-0.20 ms plus 0.04-0.06 ms to
 * list the non-zeros. Inputs that are mostly non-zero go to the GEMM path instead ({@link #MAX_DENSITY}).
 *
 * <p>Weights are copied at construction into the layout the loop reads (per block of columns, one contiguous
 * row per input), so an instance describes the parameters of one moment; {@link FusedDenseNetwork} builds a
 * new one after training steps. Needs {@code --add-modules jdk.incubator.vector} (the CLI's JVM and the tests
 * have it); without it {@link FusedDenseNetwork} never loads this class. Many threads may call one instance at
 * once: each call takes its working arrays from a pool; each splits its rows over the cores with
 * {@link RowWorkers} from 32 rows on (while the workers are busy with another call, on its own thread).
 */
final class SparseForward {
    /** Above this share of non-zero inputs the sparse loop is no faster than OpenBLAS's GEMM (~0.35 here). */
    static final double MAX_DENSITY = 0.30;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int BLOCK = BlockSum.WIDTH;
    private static final int CHUNK = 64;    // rows per pass through all layers: the activations stay in cache
    private static final int MIN_ROWS_PER_WORKER = 16;

    private final int layers;
    private final int[] width;
    private final int[] padded;          // width[i + 1] rounded up to whole vectors
    private final float[][] weights;     // [layer][block][input][column in block]
    private final float[][] bias;        // [layer][padded column]
    private final Activation[] activation;
    private final Queue<Scratch> idle = new ConcurrentLinkedQueue<>(); // one set per worker in flight, reused

    /**
     * @param w      reads weight (input k, output j) of layer i: {@code w.at(i, k, j)}
     * @param b      reads bias j of layer i
     */
    SparseForward(int[] width, Activation[] activation, WeightReader w, WeightReader b) {
        this.layers = width.length - 1;
        this.width = width.clone();
        this.activation = activation.clone();
        padded = new int[layers];
        weights = new float[layers][];
        bias = new float[layers][];
        for (int i = 0; i < layers; i++) {
            int in = width[i];
            int out = width[i + 1];
            int p = (out + L - 1) / L * L;
            padded[i] = p;
            float[] wl = new float[in * p];
            for (int j = 0; j < out; j++) {
                int block = j / BLOCK * BLOCK;
                int bw = Math.min(BLOCK, p - block);
                for (int k = 0; k < in; k++) wl[block * in + k * bw + (j - block)] = w.at(i, k, j);
            }
            weights[i] = wl;
            bias[i] = new float[p];
            for (int j = 0; j < out; j++) bias[i][j] = b.at(i, 0, j);
        }
    }

    interface WeightReader {
        float at(int layer, int k, int j);
    }

    /**
     * Writes the class probabilities of rows 0..n-1 of {@code x} (row-major, {@code width[0]} columns) into
     * {@code probs}; returns false, leaving {@code probs} incomplete, when a chunk of rows turns out too dense for
     * this to pay.
     */
    boolean forward(FloatBuffer x, int n, float[] probs) {
        int workers = Math.max(1, Math.min(RowWorkers.SHARED.threads(), n / MIN_ROWS_PER_WORKER));
        Scratch[] scratch = new Scratch[workers];
        for (int w = 0; w < workers; w++) {
            Scratch s = idle.poll();
            scratch[w] = s != null ? s : new Scratch();
        }
        AtomicBoolean tooDense = new AtomicBoolean(); // set by any worker whose chunk is too dense: then GEMM
        try {
            // Contiguous row ranges, one per thread: a batch of 50 on two cores takes 24-36 ms per 10,000 rows, not 44-55.
            RowWorkers.SHARED.run(workers, w -> rows(x, w * n / workers, (w + 1) * n / workers, probs, scratch[w], tooDense));
        } finally {
            for (Scratch s : scratch) idle.offer(s);
        }
        return !tooDense.get();
    }

    /** Rows from..to-1, a chunk at a time; stops when a chunk's inputs turn out too dense for this to pay. */
    private void rows(FloatBuffer x, int from, int to, float[] probs, Scratch s, AtomicBoolean tooDense) {
        for (int c = from; c < to && !tooDense.get(); c += CHUNK) {
            int rows = Math.min(CHUNK, to - c);
            x.get(c * width[0], s.x, 0, rows * width[0]);
            if (compact(s.x, rows, width[0], width[0], s) > MAX_DENSITY * rows * width[0]) {
                tooDense.set(true);
                return;
            }
            chunk(c, rows, probs, s);
        }
    }

    private void chunk(int from, int rows, float[] probs, Scratch s) {
        for (int i = 0; i < layers; i++) {
            if (i > 0) compact(s.z[i - 1], rows, padded[i - 1], width[i], s);
            layer(i, rows, s);
            if (i < layers - 1) activation[i].apply(s.z[i], s.z[i], rows * padded[i]);
        }
        int classes = width[layers];
        float[] z = s.z[layers - 1];
        for (int r = 0; r < rows; r++) System.arraycopy(z, r * padded[layers - 1], probs, (from + r) * classes, classes);
        Activation.softmax(probs, from, rows, classes);
    }

    /**
     * Lists the non-zero entries of each row's first {@code k} columns into {@code s.index}/{@code s.value}, row r
     * at {@code s.start[r]..s.start[r + 1]}; returns how many there are. Whole vectors of zeros are skipped with
     * one test (2× faster than testing each value on MNIST); within a vector the list grows without branches.
     */
    private static int compact(float[] a, int rows, int stride, int k, Scratch s) {
        int c = 0;
        int whole = k / L * L;
        for (int r = 0; r < rows; r++) {
            s.start[r] = c;
            int o = r * stride;
            for (int j = 0; j < whole; j += L) {
                if (!FloatVector.fromArray(S, a, o + j).compare(VectorOperators.NE, 0f).anyTrue()) continue;
                for (int t = j; t < j + L; t++) {
                    float v = a[o + t];
                    s.index[c] = t;
                    s.value[c] = v;
                    c += v != 0f ? 1 : 0;
                }
            }
            for (int t = whole; t < k; t++) {
                float v = a[o + t];
                s.index[c] = t;
                s.value[c] = v;
                c += v != 0f ? 1 : 0;
            }
        }
        s.start[rows] = c;
        return c;
    }

    /** z = bias + Σ value · weight row, over each row's listed inputs, into {@code s.z[i]} (row stride padded). */
    private void layer(int i, int rows, Scratch s) {
        int in = width[i];
        int p = padded[i];
        float[] w = weights[i];
        float[] b = bias[i];
        float[] z = s.z[i];
        int[] index = s.index;
        float[] value = s.value;
        int[] start = s.start;
        int full = p / BLOCK * BLOCK;
        for (int col = 0; col < full; col += BLOCK) {
            for (int r = 0; r < rows; r++) {
                BlockSum.eight(w, col * in, BLOCK, index, value, start[r], start[r + 1], b, col, z, r * p + col);
            }
        }
        int tail = p - full; // narrower last block (e.g. the 10 classes: 2 vectors), one vector at a time
        for (int v0 = 0; v0 < tail; v0 += L) {
            for (int r = 0; r < rows; r++) {
                BlockSum.one(w, full * in + v0, tail, index, value, start[r], start[r + 1], b, full + v0, z, r * p + full + v0);
            }
        }
    }

    /** One worker's arrays for a chunk of rows. */
    private final class Scratch {
        final float[] x = new float[CHUNK * width[0]];
        final int[] start = new int[CHUNK + 1];
        final int[] index;
        final float[] value;
        final float[][] z = new float[layers][];

        Scratch() {
            int widest = 0;
            for (int i = 0; i < layers; i++) {
                widest = Math.max(widest, width[i]);
                z[i] = new float[CHUNK * padded[i]];
            }
            index = new int[CHUNK * widest];
            value = new float[CHUNK * widest];
        }
    }
}
