package dev.mnistfcn.engine.fused;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sets the backward pass's δ values below {@link #FLOOR} to 0, where the update rule flushes its moments too ({@link
 * UpdateRules.Rule#flushes}). Why: as a network grows sure of its training digits, the δ of the examples it already
 * knows falls far below float's normal range, and the products made of them (in OpenBLAS's GEMMs, layer 0's sparse
 * gradient and Adam's g²) underflow, which Intel CPUs compute through a microcode assist. On the 2-core Intel Xeon,
 * two-layer at batch 50, epochs slowed from 0.37 s (epoch 7) to 0.51 s (epoch 20) and 0.62 s (epoch 40); with this and
 * {@link AdamVector}'s guard on g² they stay at 0.33-0.36 s (docs/performance.md, "Tiny δ"). It changes no number a
 * run reports: a dropped δ adds under {@code FLOOR} · |a| to a gradient, far below half an ulp of any gradient with an
 * ordinary term in it, so only gradients made of such terms alone change, and those move only weights that are
 * already that small (two-layer, 30 epochs: 1 of 218,058 weights differs, 3.6e-31 against 0; the metrics identical).
 * Only loaded where the JVM has the Vector API module, as the flush needs.
 */
final class TinyDeltas {
    /** 2⁻¹¹⁰ (7.7e-34), {@link Float#MIN_NORMAL} · 2¹⁶: a δ kept, times a weight or a pixel of at least 2⁻¹⁶, stays normal. */
    static final float FLOOR = 0x1p-110f;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private TinyDeltas() {
    }

    /** d[i] = |d[i]| < {@link #FLOOR} ? 0 : d[i] over the first {@code len} values. */
    static void drop(float[] d, int len) {
        int i = 0;
        for (int whole = S.loopBound(len); i < whole; i += S.length()) {
            FloatVector dv = FloatVector.fromArray(S, d, i);
            dv.blend(0f, dv.abs().compare(VectorOperators.LT, FLOOR)).intoArray(d, i);
        }
        for (; i < len; i++) d[i] = Math.abs(d[i]) < FLOOR ? 0f : d[i];
    }
}
