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

        /**
         * The whole pass, or false (nothing done) where a row is narrower than a vector. Two rows and two vectors of
         * each at a time: four sums in flight, where one alone waited on each add's latency (each output's own sum
         * still adds its taps in the same order).
         */
        static boolean pass(float[] src, int s, float[] dst, int d, int rows, int rowStride, int cols, float[] kernel,
                            int step) {
            int lanes = S.length();
            if (cols < lanes) return false;
            int vectors = (cols + lanes - 1) / lanes; // the last one ends at the row's last column
            for (int y = 0; y < rows; y += 2) {
                int y1 = Math.min(y + 1, rows - 1); // an odd last row is computed twice, the same values
                for (int v = 0; v < vectors; v += 2) {
                    int xa = Math.min(v * lanes, cols - lanes);
                    int xb = Math.min((v + 1) * lanes, cols - lanes);
                    int a0 = y * rowStride + xa, b0 = y * rowStride + xb;
                    int a1 = y1 * rowStride + xa, b1 = y1 * rowStride + xb;
                    FloatVector sa0 = FloatVector.zero(S), sb0 = sa0, sa1 = sa0, sb1 = sa0;
                    for (int t = 0; t < kernel.length; t++) {
                        float k = kernel[t];
                        int o = s + t * step;
                        sa0 = sa0.add(FloatVector.fromArray(S, src, o + a0).mul(k));
                        sb0 = sb0.add(FloatVector.fromArray(S, src, o + b0).mul(k));
                        sa1 = sa1.add(FloatVector.fromArray(S, src, o + a1).mul(k));
                        sb1 = sb1.add(FloatVector.fromArray(S, src, o + b1).mul(k));
                    }
                    sa0.intoArray(dst, d + a0);
                    sb0.intoArray(dst, d + b0);
                    sa1.intoArray(dst, d + a1);
                    sb1.intoArray(dst, d + b1);
                }
            }
            return true;
        }
    }
}
