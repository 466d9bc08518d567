package dev.mnistfcn.data;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One pass of a separable blur over a flat array: {@code dst[d + i] = Σ_t kernel[t] · src[s + i + t·step]} for i
 * from 0 to {@link #padded}(n) (arrays must be that long). With the Vector API (when the JVM has
 * jdk.incubator.vector) 16 outputs at a time, their sum kept in a register across the taps; without it the same
 * sums in the same order, so both give the same floats. Why not a plain loop: C2 in Java 17 did not vectorise
 * {@code dst[d+i] += k·src[s+i+t]} (an unknown offset per tap); elastic distortion cost 45-58 µs an image that way,
 * most of it this blur.
 */
final class FieldBlur {
    static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final int LANES = 16; // AVX-512's floats; arrays are padded to it whatever the JVM's species

    private FieldBlur() {
    }

    /** {@code n} rounded up to whole vectors: how far the pass writes. */
    static int padded(int n) {
        return (n + LANES - 1) / LANES * LANES;
    }

    static void pass(float[] src, int s, float[] dst, int d, int n, float[] kernel, int step) {
        int done = VECTOR ? Vectorised.pass(src, s, dst, d, padded(n), kernel, step) : 0;
        for (int i = done; i < padded(n); i++) { // all of it without the module, else what whole vectors left over
            float sum = 0f;
            for (int t = 0; t < kernel.length; t++) sum += kernel[t] * src[s + i + t * step];
            dst[d + i] = sum;
        }
    }

    /** Loaded only when the module is there. */
    private static final class Vectorised {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

        /** The outputs up to the last whole vector within {@code n} (all of them on x86, where lanes divides 16). */
        static int pass(float[] src, int s, float[] dst, int d, int n, float[] kernel, int step) {
            int lanes = S.length();
            int i = 0;
            for (; i + lanes <= n; i += lanes) {
                FloatVector sum = FloatVector.zero(S);
                for (int t = 0; t < kernel.length; t++) {
                    sum = sum.add(FloatVector.fromArray(S, src, s + i + t * step).mul(kernel[t]));
                }
                sum.intoArray(dst, d + i);
            }
            return i;
        }
    }
}
