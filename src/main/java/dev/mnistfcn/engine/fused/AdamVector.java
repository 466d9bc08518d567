package dev.mnistfcn.engine.fused;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link UpdateRules#adam}'s loop with the Vector API and the moments' flush to zero, which costs nothing here: the
 * same operations in the same order as the plain loop (no fused multiply-add), so the same floats but for the flushed
 * moments and the g² terms left out below. Only loaded where the JVM has the Vector API module ({@link
 * FusedDenseNetwork#VECTOR_API}); the JIT does not vectorise the plain loop once it has the flush's two conditions
 * (0.34 against 0.10 ms a step here).
 */
final class AdamVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private AdamVector() {
    }

    static void step(float beta1, float beta2, float eps, float step, float[] p, float[] g, float[] m, float[] v,
                     int from, int to) {
        float c1 = 1 - beta1, c2 = 1 - beta2;
        // Where c2 · g² would fall below MIN_NORMAL it is left out: Intel computes the underflow through a microcode
        // assist (TinyDeltas). Such terms are what the flush of v keeps out anyway: their sum stays under MIN_NORMAL /
        // c2, whose square root vanishes beside ε (UpdateRules.flushMinEpsilon).
        float tinyG = UpdateRules.smallestSquaredGradient(beta2);
        int lanes = S.length();
        int i = from;
        // Whole vectors; masked loads for the last one cost 13 times as much a float here (Java 17), in every
        // iteration the mask is in.
        for (int whole = from + S.loopBound(to - from); i < whole; i += lanes) {
            vector(beta1, beta2, c1, c2, tinyG, eps, step, p, g, m, v, i);
        }
        if (i >= to) return;
        // The rest through the same vector code on padded copies, of which only [i, to) is copied back (the padding's
        // own results, zeros or NaN at ε = 0, are dropped). Why not a scalar loop: its flush branches were never taken
        // in the JIT warm-up, so C2 compiled them as traps, and the first tiny moment in epoch 1 sent this method back
        // to unvectorised code until C2 compiled it again (-XX:+LogCompilation: unstable_if; docs/performance.md,
        // "Epoch 1 without traps"). Why not a masked vector: Java 17 stores a partly masked vector lane by lane,
        // with a branch each.
        int rest = to - i;
        float[] tp = new float[lanes], tg = new float[lanes], tm = new float[lanes], tv = new float[lanes];
        System.arraycopy(p, i, tp, 0, rest);
        System.arraycopy(g, i, tg, 0, rest);
        System.arraycopy(m, i, tm, 0, rest);
        System.arraycopy(v, i, tv, 0, rest);
        vector(beta1, beta2, c1, c2, tinyG, eps, step, tp, tg, tm, tv, 0);
        System.arraycopy(tp, 0, p, i, rest);
        System.arraycopy(tm, 0, m, i, rest);
        System.arraycopy(tv, 0, v, i, rest);
    }

    /** One vector of parameters from {@code i}; c1 = 1 − β₁, c2 = 1 − β₂, tinyG the |g| whose c2 · g² is left out. */
    private static void vector(float beta1, float beta2, float c1, float c2, float tinyG, float eps, float step,
                               float[] p, float[] g, float[] m, float[] v, int i) {
        FloatVector gi = FloatVector.fromArray(S, g, i);
        FloatVector mi = FloatVector.fromArray(S, m, i).mul(beta1).add(gi.mul(c1));
        FloatVector gv = gi.blend(0f, gi.abs().compare(VectorOperators.LT, tinyG));
        FloatVector vi = FloatVector.fromArray(S, v, i).mul(beta2).add(gv.mul(gv).mul(c2));
        mi = mi.blend(0f, mi.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
        vi = vi.blend(0f, vi.compare(VectorOperators.LT, Float.MIN_NORMAL));
        mi.intoArray(m, i);
        vi.intoArray(v, i);
        FloatVector.fromArray(S, p, i).sub(mi.mul(step).div(vi.sqrt().add(eps))).intoArray(p, i);
    }
}
