package dev.mnistfcn.data;

import dev.mnistfcn.config.AugmentSpec;
import dev.mnistfcn.config.ElasticSpec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The distortion kernels on small synthetic images, where every output pixel can be worked out by hand. */
class DistortionTest {
    private static final AugmentSpec NONE = new AugmentSpec(null, null, null, null, null);
    private static final AugmentSpec ALL = new AugmentSpec(10.0, List.of(0.9, 1.1), 10.0, 2.0, new ElasticSpec(34.0, 4.0));

    /** A 28×28 image with a distinct value per pixel: (y·28 + x + 1) / 784. */
    private static float[] numbered() {
        float[] img = new float[784];
        for (int i = 0; i < 784; i++) img[i] = (i + 1) / 784f;
        return img;
    }

    private static float at(float[] img, int x, int y) {
        return x < 0 || x >= 28 || y < 0 || y >= 28 ? 0f : img[y * 28 + x];
    }

    @Test
    void noDistortionGivesTheImageBack() {
        float[] src = numbered(), dst = new float[784];
        new Distortion(NONE, 28).apply(src, dst, 7, 3, 11);
        assertArrayEquals(src, dst);
    }

    @Test
    void aTranslationByWholePixelsMovesThePictureAndFillsWithBackground() {
        float[] src = numbered(), dst = new float[784];
        new Distortion(NONE, 28).warp(src, dst, 0, 1, 0, 2, -1, false);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) assertEquals(at(src, x - 2, y + 1), dst[y * 28 + x], 1e-6f, x + "," + y);
        }
    }

    @Test
    void aQuarterTurnAboutTheCentreTurnsThePixelGrid() {
        float[] src = numbered(), dst = new float[784];
        new Distortion(NONE, 28).warp(src, dst, Math.PI / 2, 1, 0, 0, 0, false);
        // A = R(90°) maps source (x, y) to (27 - y, x) about the centre 13.5: dst(x, y) = src(y, 27 - x).
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) assertEquals(at(src, y, 27 - x), dst[y * 28 + x], 1e-5f, x + "," + y);
        }
    }

    @Test
    void scaleAndShearAreBilinearInBetweenPixels() {
        float[] ramp = new float[784];
        for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) ramp[y * 28 + x] = (x + 2 * y) / 100f;
        float[] dst = new float[784];
        // Scale 2 about the centre: dst(x, y) = src(13.5 + (x - 13.5) / 2, ...); a linear ramp stays linear.
        new Distortion(NONE, 28).warp(ramp, dst, 0, 2, 0, 0, 0, false);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                double sx = 13.5 + (x - 13.5) / 2, sy = 13.5 + (y - 13.5) / 2;
                assertEquals((sx + 2 * sy) / 100, dst[y * 28 + x], 1e-5, x + "," + y);
            }
        }
        // A shear of 45° along x: source x = x - tan(45°)·(y - 13.5).
        new Distortion(NONE, 28).warp(ramp, dst, 0, 1, Math.PI / 4, 0, 0, false);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                double sx = x - (y - 13.5);
                double expected = sx < 0 || sx > 27 ? Double.NaN : (sx + 2 * y) / 100;
                if (!Double.isNaN(expected)) assertEquals(expected, dst[y * 28 + x], 1e-5, x + "," + y);
            }
        }
    }

    @Test
    void theBlurIsTheGaussianSumWithOrWithoutTheVectorApi() {
        float[] k = Distortion.gaussian(4, 12);
        double sum = 0;
        for (float v : k) sum += v;
        assertEquals(1, sum, 1e-6);
        assertEquals(k[12] / k[16], Math.exp(16 / 32.0), 1e-4, "exp(-t²/2σ²) at t = 4");
        Random r = new Random(5);
        // 28 columns: wider than one vector, narrower than two (AVX-512); 40: an odd number of vectors on either;
        // 5 rows: an odd last row.
        // Each also down the columns (step = rowStride, the elastic field's second pass), 5 and 28 rows: a last
        // group of four rows that overlaps the one before, and none that does.
        for (int[] shape : new int[][]{{28, 5, 7}, {40, 5, 7}, {28, 5, 40}, {40, 28, 52}, {28, 28, 40}}) {
            int cols = shape[0], rows = shape[1], rowStride = cols + 12, step = shape[2];
            float[] src = new float[rows * rowStride + 24 * step + 1];
            for (int i = 0; i < src.length; i++) src[i] = r.nextFloat() - 0.5f;
            float[] dst = new float[rows * rowStride + 3];
            java.util.Arrays.fill(dst, Float.NaN);
            new FieldBlur(k).pass(src, 1, dst, 3, rows, rowStride, cols, step);
            for (int i = 0; i < rows * rowStride; i++) {
                if (i % rowStride >= cols) {
                    assertTrue(Float.isNaN(dst[3 + i]), "output " + i + " is past its row's columns: never written");
                    continue;
                }
                float expected = 0f;
                for (int t = 0; t < k.length; t++) expected += k[t] * src[1 + i + t * step]; // the same order of sums
                assertEquals(expected, dst[3 + i], 0f, cols + " columns, " + rows + " rows, step " + step + ", output "
                        + i + (FieldBlur.VECTOR ? " (Vector API)" : ""));
            }
        }
    }

    /**
     * The warp interpolates only where a tap can touch the ink ({@code warp}'s bounding box); everywhere else it writes
     * +0. Checked bit for bit against interpolating every pixel, on pictures whose ink lies anywhere (at the edges,
     * one pixel, none, all), under random affine maps.
     */
    @Test
    void skippingTheBackgroundGivesTheSameFloatsAsInterpolatingEveryPixel() {
        Random r = new Random(11);
        Distortion d = new Distortion(NONE, 28);
        float[] dst = new float[784];
        for (int trial = 0; trial < 400; trial++) {
            float[] src = new float[784];
            int x0 = r.nextInt(28), x1 = x0 + r.nextInt(28 - x0), y0 = r.nextInt(28), y1 = y0 + r.nextInt(28 - y0);
            if (trial == 1) { // ink everywhere (trial 0: none)
                x0 = y0 = 0;
                x1 = y1 = 27;
            }
            for (int y = y0; y <= y1 && trial != 0; y++) {
                for (int x = x0; x <= x1; x++) if (r.nextInt(3) > 0 || trial == 1) src[y * 28 + x] = r.nextFloat();
            }
            double angle = Math.toRadians(r.nextInt(90) - 45), scale = 0.5 + r.nextDouble(), sh = r.nextDouble() - 0.5;
            double tx = r.nextInt(21) - 10 + r.nextDouble(), ty = r.nextInt(21) - 10 + r.nextDouble();
            d.warp(src, dst, angle, scale, sh, tx, ty, false);
            assertArrayEquals(everyPixel(src, angle, scale, sh, tx, ty), dst, "trial " + trial);
        }
    }

    /** The warp the plain way: each output pixel's bilinear sum, with the same arithmetic as {@code Distortion}. */
    private static float[] everyPixel(float[] src, double angle, double scale, double sh, double tx, double ty) {
        double cos = Math.cos(angle), sin = Math.sin(angle), tan = Math.tan(sh);
        double a00 = cos * scale, a01 = (cos * tan - sin) * scale, a10 = sin * scale, a11 = (sin * tan + cos) * scale;
        double det = a00 * a11 - a01 * a10;
        double i00 = a11 / det, i01 = -a01 / det, i10 = -a10 / det, i11 = a00 / det;
        float[] out = new float[784];
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                double px = x - 13.5 - tx, py = y - 13.5 - ty;
                double sx = i00 * px + i01 * py + 13.5, sy = i10 * px + i11 * py + 13.5;
                if (!(sx > -1 && sx < 28 && sy > -1 && sy < 28)) continue;
                int gx = (int) (sx + 1) - 1, gy = (int) (sy + 1) - 1;
                float fx = (float) (sx - gx), fy = (float) (sy - gy);
                float top = at(src, gx, gy) + (at(src, gx + 1, gy) - at(src, gx, gy)) * fx;
                float bottom = at(src, gx, gy + 1) + (at(src, gx + 1, gy + 1) - at(src, gx, gy + 1)) * fx;
                out[y * 28 + x] = top + (bottom - top) * fy;
            }
        }
        return out;
    }

    /**
     * Elastic alone on a ramp f(x, y) = x / 100: inside the image bilinear interpolation of a linear function is
     * exact, so dst − src is the x displacement itself. Uniform [-1, 1] (variance 1/3) through a normalised Gaussian
     * of σ pixels keeps a standard deviation of about √(1/3) / (2σ√π); times α = 34, σ = 4: 1.38 pixels.
     */
    @Test
    void elasticDisplacementsAreSmoothAndAsLargeAsAlphaAndSigmaSay() {
        float[] ramp = new float[784];
        for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) ramp[y * 28 + x] = x / 100f;
        Distortion d = new Distortion(new AugmentSpec(null, null, null, null, new ElasticSpec(34.0, 4.0)), 28);
        float[] dst = new float[784];
        double squares = 0, neighbourSteps = 0;
        int count = 0, pairs = 0;
        for (int example = 0; example < 200; example++) {
            d.apply(ramp, dst, 1, 1, example);
            for (int y = 8; y < 20; y++) {
                for (int x = 8; x < 20; x++) {
                    double shift = (dst[y * 28 + x] - ramp[y * 28 + x]) * 100;
                    squares += shift * shift;
                    count++;
                    double next = (dst[y * 28 + x + 1] - ramp[y * 28 + x + 1]) * 100;
                    neighbourSteps += (next - shift) * (next - shift);
                    pairs++;
                }
            }
        }
        double rms = Math.sqrt(squares / count);
        assertTrue(rms > 1.1 && rms < 1.7, "RMS x displacement " + rms + " pixels, expected about 1.38");
        assertTrue(Math.sqrt(neighbourSteps / pairs) < 0.25 * rms, "neighbouring pixels move together: a smooth field");
    }

    @Test
    void theSameExampleInTheSameEpochIsDistortedTheSameWay() {
        float[] src = numbered();
        Distortion one = new Distortion(ALL, 28), other = new Distortion(ALL, 28);
        float[] a = new float[784], b = new float[784], c = new float[784], e = new float[784];
        one.apply(src, a, 42, 3, 100);
        other.apply(src, new float[784], 42, 9, 5); // other scratch contents in between
        other.apply(src, b, 42, 3, 100);
        assertArrayEquals(a, b, "(seed, epoch, example) decide it alone");
        one.apply(src, c, 42, 4, 100);
        one.apply(src, e, 43, 3, 100);
        assertFalse(Arrays.equals(a, c), "another epoch, another distortion");
        assertFalse(Arrays.equals(a, e), "another seed, another distortion");
        assertTrue(Distortion.mix(42, 3, 100) != Distortion.mix(42, 3, 101));
    }
}
