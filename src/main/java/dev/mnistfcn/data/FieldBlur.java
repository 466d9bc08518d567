package dev.mnistfcn.data;

import dev.mnistfcn.Versions;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A separable blur's kernel and its passes over the rows of a flat array, one direction each: {@code dst[d + i] =
 * Σ_t kernel[t] · src[s + i + t·step]} for i = y·rowStride + x, y below {@code rows}, x below {@code cols}. With the
 * Vector API (when the JVM has jdk.incubator.vector) a vector of outputs at a time, their sum kept in a register
 * across the taps, and a row's last vector ending at its last column (overlapping the one before, which writes the
 * same values); without it the same sums in the same order, so both give the same floats. Why not a plain loop: C2
 * in Java 17 did not vectorise {@code dst[d+i] += k·src[s+i+t]} (an unknown offset per tap); elastic distortion cost
 * 45-58 µs an image that way, most of it this blur.
 */
final class FieldBlur {
    static final boolean VECTOR = Versions.hasVectorApi();

    private final float[] kernel;
    private final float[] padded; // the kernel with three zeros at each end, for the pass down the columns

    FieldBlur(float[] kernel) {
        this.kernel = kernel.clone();
        padded = new float[kernel.length + 6];
        System.arraycopy(kernel, 0, padded, 3, kernel.length);
    }

    void pass(float[] src, int s, float[] dst, int d, int rows, int rowStride, int cols, int step) {
        if (VECTOR && Vectorised.pass(src, s, dst, d, rows, rowStride, cols, kernel, padded, step)) return;
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
                            float[] padded, int step) {
            int lanes = S.length();
            if (cols < lanes) return false;
            if (step == rowStride && rows >= 4) return down(src, s, dst, d, rows, rowStride, cols, padded);
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

        /**
         * The pass down the columns (each tap one row further): four rows and two vectors at a time, so that each
         * vector of the source, loaded once, feeds the four rows' sums (source row y + j is tap j of row y, tap j - 1
         * of row y + 1, ...). Each sum still adds its taps in order; {@code k}, the kernel with three zeros at each
         * end, lets every row take every source row, and adding value × 0 leaves a sum that starts at +0 as it was (for
         * finite values, as the elastic field's are). About 60% of the time of {@link #pass}'s way: 0.9-1.0
         * against 1.5-1.85 µs a field (AVX2, two runs). Straight-line: with a branch per tap the vectors were not kept
         * in registers (20 times slower).
         */
        static boolean down(float[] src, int s, float[] dst, int d, int rows, int rowStride, int cols, float[] k) {
            int lanes = S.length();
            int vectors = (cols + lanes - 1) / lanes;
            for (int y = 0; y < rows; y += 4) {
                int y0 = Math.min(y, rows - 4); // the last four rows may overlap the ones before: the same values
                for (int v = 0; v < vectors; v += 2) {
                    int xa = Math.min(v * lanes, cols - lanes);
                    int xb = Math.min((v + 1) * lanes, cols - lanes);
                    FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
                    int o = s + y0 * rowStride;
                    for (int j = 0; j < k.length - 3; j++, o += rowStride) {
                        FloatVector la = FloatVector.fromArray(S, src, o + xa);
                        FloatVector lb = FloatVector.fromArray(S, src, o + xb);
                        float k0 = k[j + 3], k1 = k[j + 2], k2 = k[j + 1], k3 = k[j];
                        a0 = a0.add(la.mul(k0));
                        b0 = b0.add(lb.mul(k0));
                        a1 = a1.add(la.mul(k1));
                        b1 = b1.add(lb.mul(k1));
                        a2 = a2.add(la.mul(k2));
                        b2 = b2.add(lb.mul(k2));
                        a3 = a3.add(la.mul(k3));
                        b3 = b3.add(lb.mul(k3));
                    }
                    int q = d + y0 * rowStride;
                    a0.intoArray(dst, q + xa);
                    b0.intoArray(dst, q + xb);
                    a1.intoArray(dst, q + rowStride + xa);
                    b1.intoArray(dst, q + rowStride + xb);
                    a2.intoArray(dst, q + 2 * rowStride + xa);
                    b2.intoArray(dst, q + 2 * rowStride + xb);
                    a3.intoArray(dst, q + 3 * rowStride + xa);
                    b3.intoArray(dst, q + 3 * rowStride + xb);
                }
            }
            return true;
        }
    }
}
