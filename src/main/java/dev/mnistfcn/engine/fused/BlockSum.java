package dev.mnistfcn.engine.fused;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner loop of both sparse passes ({@link SparseForward}, {@link SparseFirstLayer}): a block of columns summed
 * over a list of (row key, value) entries, dst = init + Σ value[e] · src[base + key[e]·stride …], in eight vector
 * accumulators — with the broadcast value, what fits the registers while leaving the loads independent.
 */
final class BlockSum {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Columns of {@link #eight}. */
    static final int WIDTH = 8 * L;

    private BlockSum() {
    }

    /**
     * dst[d … d+WIDTH) = init[i … i+WIDTH) (zeros where {@code init} is null) + Σ over entries e0..e1-1 of
     * value[e] · src[base + key[e]·stride … +WIDTH).
     */
    static void eight(float[] src, int base, int stride, int[] key, float[] value, int e0, int e1,
                      float[] init, int i, float[] dst, int d) {
        FloatVector a0, a1, a2, a3, a4, a5, a6, a7;
        if (init == null) {
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = FloatVector.zero(S);
        } else {
            a0 = FloatVector.fromArray(S, init, i);
            a1 = FloatVector.fromArray(S, init, i + L);
            a2 = FloatVector.fromArray(S, init, i + 2 * L);
            a3 = FloatVector.fromArray(S, init, i + 3 * L);
            a4 = FloatVector.fromArray(S, init, i + 4 * L);
            a5 = FloatVector.fromArray(S, init, i + 5 * L);
            a6 = FloatVector.fromArray(S, init, i + 6 * L);
            a7 = FloatVector.fromArray(S, init, i + 7 * L);
        }
        for (int e = e0; e < e1; e++) {
            FloatVector v = FloatVector.broadcast(S, value[e]);
            int o = base + key[e] * stride;
            a0 = FloatVector.fromArray(S, src, o).fma(v, a0);
            a1 = FloatVector.fromArray(S, src, o + L).fma(v, a1);
            a2 = FloatVector.fromArray(S, src, o + 2 * L).fma(v, a2);
            a3 = FloatVector.fromArray(S, src, o + 3 * L).fma(v, a3);
            a4 = FloatVector.fromArray(S, src, o + 4 * L).fma(v, a4);
            a5 = FloatVector.fromArray(S, src, o + 5 * L).fma(v, a5);
            a6 = FloatVector.fromArray(S, src, o + 6 * L).fma(v, a6);
            a7 = FloatVector.fromArray(S, src, o + 7 * L).fma(v, a7);
        }
        a0.intoArray(dst, d);
        a1.intoArray(dst, d + L);
        a2.intoArray(dst, d + 2 * L);
        a3.intoArray(dst, d + 3 * L);
        a4.intoArray(dst, d + 4 * L);
        a5.intoArray(dst, d + 5 * L);
        a6.intoArray(dst, d + 6 * L);
        a7.intoArray(dst, d + 7 * L);
    }

    /** {@link #eight} for one vector of columns. */
    static void one(float[] src, int base, int stride, int[] key, float[] value, int e0, int e1,
                    float[] init, int i, float[] dst, int d) {
        FloatVector a = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, i);
        for (int e = e0; e < e1; e++) {
            a = FloatVector.fromArray(S, src, base + key[e] * stride).fma(FloatVector.broadcast(S, value[e]), a);
        }
        a.intoArray(dst, d);
    }

    /** {@link #eight} for one column, in plain arithmetic (what is left of a vector). */
    static float single(float[] src, int base, int stride, int[] key, float[] value, int e0, int e1, float init) {
        float a = init;
        for (int e = e0; e < e1; e++) a += value[e] * src[base + key[e] * stride];
        return a;
    }
}
