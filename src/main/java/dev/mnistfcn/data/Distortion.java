package dev.mnistfcn.data;

import dev.mnistfcn.config.AugmentSpec;
import dev.mnistfcn.config.ElasticSpec;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One training image's distortion ({@code data.augment}): a random affine map (rotation, scale, x-shear, translation
 * about the image centre) and Simard's elastic field, applied in one bilinear resampling. Every random number comes
 * from {@code (seed, epoch, example)} alone, so that an epoch's images are the same whichever thread makes them and
 * whether the run was resumed or not. Pixels outside the image read as 0 (MNIST's background).
 *
 * <p>The output pixel p takes the input at A⁻¹(p + u(p) − c − t) + c: u the elastic displacement at p, A the
 * rotation·shear·scale matrix, c the centre, t the translation; the same as torchvision's RandomAffine followed by
 * ElasticTransform, but with one interpolation instead of two. Not thread-safe: one instance per thread (scratch).
 */
public final class Distortion {
    private static final double CENTRE = 13.5; // between pixels 13 and 14 of 0..27
    private final int side;
    private final double rotation;
    private final double scaleMin;
    private final double scaleMax;
    private final double shear;
    private final double translation;
    private final double alpha;
    private final FieldBlur blur;   // Gaussian taps, -radius..radius, summing to 1; none without elastic
    private final int radius;
    private final float[] framed;   // the source image inside a one-pixel frame of zeros
    private final int stride;       // of the arrays below: side + radius
    private final float[] padded;   // one field's random values, rows apart by radius zeros (and radius before)
    private final float[] across;   // the field blurred along x, with radius zero rows above and below
    private final float[] dx;       // displacement along x, side rows at the stride
    private final float[] dy;
    private final int[] columnInk;      // per column, the OR of its pixels' bits: 0 where it holds no ink
    private final int[] rowInk;         // the same per row
    private final double[] columnOffset; // x - centre - tx, per column
    private final double[] sourceX;     // where each output pixel reads the source
    private final double[] sourceY;

    public Distortion(AugmentSpec spec, int side) {
        this.side = side;
        rotation = Math.toRadians(orZero(spec.rotation()));
        scaleMin = spec.scale() == null ? 1 : spec.scale().get(0);
        scaleMax = spec.scale() == null ? 1 : spec.scale().get(1);
        shear = Math.toRadians(orZero(spec.shear()));
        translation = orZero(spec.translation());
        ElasticSpec e = spec.elastic();
        alpha = e == null ? 0 : orZero(e.alpha());
        if (alpha > 0) {
            double sigma = e.sigma();
            radius = (int) Math.ceil(3 * sigma); // scipy's gaussian_filter truncates at 4σ; 3σ keeps 99.7% of the mass
            blur = new FieldBlur(gaussian(sigma, radius));
        } else {
            radius = 0;
            blur = new FieldBlur(new float[0]);
        }
        framed = new float[(side + 2) * (side + 2)];
        // Neighbouring rows share their radius zeros: each row's blur along x reads radius values either side, and
        // one gap gives it zeros on both.
        stride = side + radius;
        int n = side * stride;
        padded = new float[n + 2 * radius];
        across = new float[2 * radius * stride + n]; // radius zero rows above and below the blurred ones
        dx = new float[n];
        dy = new float[n];
        columnInk = new int[side];
        rowInk = new int[side];
        columnOffset = new double[side];
        sourceX = new double[side * side];
        sourceY = new double[side * side];
    }

    /** Pixels per image. */
    public int pixels() {
        return side * side;
    }

    /** The distorted {@code src} (side × side, row-major) into {@code dst}, for this example in this epoch. */
    public void apply(float[] src, float[] dst, long seed, int epoch, int example) {
        SplittableRandom rng = new SplittableRandom(mix(seed, epoch, example));
        double angle = uniform(rng, rotation);
        double scale = scaleMin + (scaleMax - scaleMin) * rng.nextDouble();
        double sh = uniform(rng, shear);
        double tx = uniform(rng, translation);
        double ty = uniform(rng, translation);
        boolean elastic = alpha > 0;
        if (elastic) {
            field(rng, dx);
            field(rng, dy);
        }
        warp(src, dst, angle, scale, sh, tx, ty, elastic);
    }

    /**
     * {@code src} through one affine map (angle and shear in radians, translation in pixels) and, where {@code
     * elastic}, the displacement fields last drawn into {@link #dx} and {@link #dy}.
     *
     * <p>Every pixel's source position first, in a loop of its own, then the interpolation only where a tap can
     * touch the ink: a pixel whose four taps all lie outside the source's bounding box of non-zero pixels reads only
     * background, and its bilinear sum is exactly +0. The same floats as interpolating every pixel; 7.2 against
     * 10.9 µs an image (AVX2, alternating in one JVM; docs/beyond-99.md).
     */
    void warp(float[] src, float[] dst, double angle, double scale, double sh, double tx, double ty, boolean elastic) {
        // A = R(angle) · [[1, tan sh], [0, 1]] · scale, and its inverse (det = scale²).
        double cos = Math.cos(angle), sin = Math.sin(angle), tan = Math.tan(sh);
        double a00 = cos * scale, a01 = (cos * tan - sin) * scale, a10 = sin * scale, a11 = (sin * tan + cos) * scale;
        double det = a00 * a11 - a01 * a10;
        double i00 = a11 / det, i01 = -a01 / det, i10 = -a10 / det, i11 = a00 / det;
        for (int y = 0; y < side; y++) System.arraycopy(src, y * side, framed, (y + 1) * (side + 2) + 1, side);
        // The ink's rows and columns, without a branch per pixel (one that mispredicted cost 0.7 µs an image).
        Arrays.fill(columnInk, 0);
        for (int y = 0; y < side; y++) {
            int any = 0;
            for (int x = 0; x < side; x++) {
                int bits = Float.floatToRawIntBits(src[y * side + x]); // -0 and NaN count as ink
                columnInk[x] |= bits;
                any |= bits;
            }
            rowInk[y] = any;
        }
        int minX = first(columnInk), minY = first(rowInk);
        if (minX < 0) { // a blank image stays blank
            Arrays.fill(dst, 0, side * side, 0f);
            return;
        }
        // Taps x0 = floor(sx) and x0 + 1 reach the ink's columns minX..maxX where minX - 1 <= sx < maxX + 1.
        double left = minX - 1, right = last(columnInk) + 1, top = minY - 1, bottom = last(rowInk) + 1;
        for (int x = 0; x < side; x++) columnOffset[x] = x - CENTRE - tx;
        for (int y = 0; y < side; y++) {
            double rowOffset = y - CENTRE - ty;
            for (int x = 0; x < side; x++) {
                double px = columnOffset[x], py = rowOffset;
                if (elastic) {
                    px += dx[y * stride + x];
                    py += dy[y * stride + x];
                }
                sourceX[y * side + x] = i00 * px + i01 * py + CENTRE;
                sourceY[y * side + x] = i10 * px + i11 * py + CENTRE;
            }
        }
        for (int i = 0; i < side * side; i++) {
            double sx = sourceX[i], sy = sourceY[i];
            dst[i] = sx >= left && sx < right && sy >= top && sy < bottom ? bilinear(sx, sy) : 0f;
        }
    }

    private int first(int[] ink) {
        for (int i = 0; i < side; i++) if (ink[i] != 0) return i;
        return -1;
    }

    private int last(int[] ink) {
        for (int i = side - 1; i >= 0; i--) if (ink[i] != 0) return i;
        return -1;
    }

    /**
     * One displacement component: uniform [-1, 1] per pixel, Gaussian-smoothed (zero outside the image), times alpha,
     * into {@code out} with row stride {@link #stride}. Each blur pass takes 16 outputs at a time with the Vector
     * API ({@link FieldBlur}); the same passes left to the JIT cost 45 µs per image here.
     */
    private void field(SplittableRandom rng, float[] out) {
        float scale = (float) (alpha * 0x1p-31); // an int's 32 random bits as a value in [-alpha, alpha)
        for (int y = 0; y < side; y++) {
            int row = radius + y * stride;
            for (int x = 0; x < side; x += 2) { // two values from each long: half the generator's work
                long bits = rng.nextLong();
                padded[row + x] = (int) bits * scale;
                if (x + 1 < side) padded[row + x + 1] = (int) (bits >>> 32) * scale;
            }
        }
        blur.pass(padded, 0, across, radius * stride, side, stride, side, 1); // along x, into rows radius..
        blur.pass(across, 0, out, 0, side, stride, side, stride);             // along y
    }

    /** The source at (sx, sy), bilinear; {@link #framed} has a zero frame, so no tap needs a bounds check. */
    private float bilinear(double sx, double sy) {
        if (!(sx > -1 && sx < side && sy > -1 && sy < side)) return 0f;
        int x0 = (int) (sx + 1) - 1, y0 = (int) (sy + 1) - 1; // floor, for values > -1
        float fx = (float) (sx - x0), fy = (float) (sy - y0);
        int i = (y0 + 1) * (side + 2) + x0 + 1;
        float top = framed[i] + (framed[i + 1] - framed[i]) * fx;
        float bottom = framed[i + side + 2] + (framed[i + side + 3] - framed[i + side + 2]) * fx;
        return top + (bottom - top) * fy;
    }

    static float[] gaussian(double sigma, int radius) {
        float[] k = new float[2 * radius + 1];
        double sum = 0;
        for (int t = -radius; t <= radius; t++) sum += Math.exp(-t * t / (2 * sigma * sigma));
        for (int t = -radius; t <= radius; t++) k[t + radius] = (float) (Math.exp(-t * t / (2 * sigma * sigma)) / sum);
        return k;
    }

    /** A generator seed for one example in one epoch: SplitMix64's finaliser over the three, so neighbours differ. */
    static long mix(long seed, int epoch, int example) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + example * 0x165667B19E3779F9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static double uniform(SplittableRandom rng, double max) {
        return max == 0 ? 0 : (2 * rng.nextDouble() - 1) * max;
    }

    private static double orZero(Double v) {
        return v == null ? 0 : v;
    }
}
