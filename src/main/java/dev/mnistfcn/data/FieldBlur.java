package dev.mnistfcn.data;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One pass of a separable blur over the rows of a flat array: {@code dst[d + i] = Σ_t kernel[t] · src[s + i + t·step]}
 * for i = y·rowStride + x, y below {@code rows}, x below {@code cols}. With the Vector API (when the JVM has
 * jdk.incubator.vector) a vector of outputs at a time, their sum kept in a register across the taps, and a row's last
 * vector ending at its last column (overlapping the one before, which writes the same values); without it the same
 * sums in the same order, so both give the same floats. Why not a plain loop: C2 in Java 17 did not vectorise
 * {@code dst[d+i] += k·src[s+i+t]} (an unknown offset per tap); elastic distortion cost 45-58 µs an image that way,
 * most of it this blur.
 */
final class FieldBlur {
    static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private FieldBlur() {
    }

    static void pass(float[] src, int s, float[] dst, int d, int rows, int rowStride, int cols, float[] kernel,
                     int step) {
        if (VECTOR && Vectorised.pass(src, s, dst, d, rows, rowStride, cols, kernel, step)) return;
        for (int y = 0; y < rows; y++) {
            for (int i = y * rowStride; i < y * rowStride + cols; i++) {
                float sum = 0f;
                for (int t = 0; t < kernel.length; t++) sum += kernel[t] * src[s + i + t * step];
                dst[d + i] = sum;
            }
        }
    }

    /** Loaded only when the module is there. */
    private static final class Vectorised {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

        /** The whole pass, or false (nothing done) where a row is narrower than a vector. */
        static boolean pass(float[] src, int s, float[] dst, int d, int rows, int rowStride, int cols, float[] kernel,
                            int step) {
            int lanes = S.length();
            if (cols < lanes) return false;
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < cols; x += lanes) {
                    int i = y * rowStride + Math.min(x, cols - lanes);
                    FloatVector sum = FloatVector.zero(S);
                    for (int t = 0; t < kernel.length; t++) {
                        sum = sum.add(FloatVector.fromArray(S, src, s + i + t * step).mul(kernel[t]));
                    }
                    sum.intoArray(dst, d + i);
                }
            }
            return true;
        }
    }
}
