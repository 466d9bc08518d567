package dev.mnistfcn.engine.fused;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sets the backward pass's δ values below {@link #FLOOR} to 0, where the update rule flushes its moments too ({@link
 * UpdateRules.Rule#flushes}; {@code -Dmnistfcn.tinydeltas=false} turns it off, for A/B runs). Why: as a network grows
 * sure of its training digits, the δ of the examples it already knows falls toward the bottom of float's range, and
 * the products made of it (OpenBLAS's GEMMs, layer 0's sparse gradient, Adam's g²) underflow, which Intel CPUs compute
 * through a microcode assist: there epochs slowed as training went on (docs/performance.md, "Tiny δ").
 *
 * <p>Not exact in general: a dropped δ would have added under {@code FLOOR} · |a| to a gradient, far below its ulp, but
 * a fused multiply-add can round a tie the other way without it (a review: one subnormal δ moved 11 δ of the layer
 * below by an ulp). The runs checked, the README's seed-12345 run among them, trained the same numbers with it and
 * without (docs/performance.md lists them); a network that amplifies such last-bit changes (identity activations, a
 * review) can end elsewhere, as after any change in the order of float operations.
 */
final class TinyDeltas {
    /** 2⁻¹¹⁰ (7.7e-34), {@link Float#MIN_NORMAL} · 2¹⁶: a δ kept, times a weight, pixel or unit ≥ 2⁻¹⁶, stays normal. */
    static final float FLOOR = 0x1p-110f;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private TinyDeltas() {
    }

    /** d[i] = |d[i]| < {@link #FLOOR} ? 0 : d[i] over the first {@code len} values; returns how many it set to 0. */
    static int drop(float[] d, int len) {
        int dropped = 0;
        int i = 0;
        for (int whole = S.loopBound(len); i < whole; i += S.length()) dropped += dropVector(d, i);
        if (i < len) { // the rest on a zero-padded copy, not a scalar loop whose branch C2 compiled as a trap (AdamVector)
            float[] rest = new float[S.length()];
            System.arraycopy(d, i, rest, 0, len - i);
            dropped += dropVector(rest, 0);
            System.arraycopy(rest, 0, d, i, len - i);
        }
        return dropped;
    }

    /** One vector of {@code d} from {@code i}; returns how many it set to 0. */
    private static int dropVector(float[] d, int i) {
        FloatVector dv = FloatVector.fromArray(S, d, i);
        VectorMask<Float> tiny = dv.abs().compare(VectorOperators.LT, FLOOR).and(dv.compare(VectorOperators.NE, 0f));
        dv.blend(0f, tiny).intoArray(d, i);
        return tiny.trueCount();
    }
}
