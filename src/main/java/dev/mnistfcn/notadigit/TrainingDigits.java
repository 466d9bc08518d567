package dev.mnistfcn.notadigit;

import dev.mnistfcn.config.AugmentSpec;
import dev.mnistfcn.config.ElasticSpec;
import dev.mnistfcn.data.Distortion;
import dev.mnistfcn.digits.MnistRecipe;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Digits as other hands and pens write them, for the detector to learn as digits: an MNIST digit distorted by the
 * project's own {@link Distortion} (affine: rotation, scale, slant, shift; and Simard's elastic field), then redrawn
 * as a picture with a thinner or thicker pen (grey erosion or dilation of the enlarged digit), dark on light paper,
 * and put through {@link MnistRecipe}. People's digits are not MNIST's: without these the detector refuses them
 * more often than MNIST's own validation digits (docs/not-a-digit.md).
 */
final class TrainingDigits {
    /** Wider than best-mlp's augmentation (±10°, no shear): the hands people write with slant more. */
    static final AugmentSpec HANDS = new AugmentSpec(15.0, List.of(0.8, 1.15), 20.0, 2.0, new ElasticSpec(34.0, 4.0));

    private final Distortion distortion = new Distortion(HANDS, 28);
    private final float[] distorted = new float[784];

    /**
     * {@code digit} (784 values, ink 1) in another hand and pen, as the model is given it; empty if the recipe finds
     * no ink (a digit eroded away). {@code seed} and {@code example} draw the distortion and the pen.
     */
    Optional<float[]> rewrite(float[] digit, long seed, int example) {
        distortion.apply(digit, distorted, seed, 0, example);
        Random rnd = new Random(seed * 1_000_003L + example);
        int zoom = 3 + rnd.nextInt(4);
        int side = 28 * zoom;
        float[] big = new float[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) big[y * side + x] = bilinear(distorted, (x + 0.5f) / zoom - 0.5f, (y + 0.5f) / zoom - 0.5f);
        }
        // pen: from a third of a digit pixel thinner a side to half of one thicker; a third of them the pen as it was
        int grow = rnd.nextInt(3) == 0 ? 0 : Math.round((float) zoom * (-0.33f + 0.83f * rnd.nextFloat()));
        if (grow != 0) big = morph(big, side, Math.abs(grow), grow > 0);
        var picture = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        float paper = 0.8f + 0.2f * rnd.nextFloat(), pen = 0.3f * rnd.nextFloat();
        for (int i = 0; i < big.length; i++) {
            float v = Math.min(1, big[i]);
            picture.getRaster().setSample(i % side, i / side, 0, Math.round(255 * (paper + (pen - paper) * v)));
        }
        return MnistRecipe.prepare(picture);
    }

    /**
     * Grey dilation (the largest value within {@code r} pixels; {@code thicker}) or erosion (the smallest), over a
     * square window, row pass then column pass: a square pen rather than a round one is close enough at these radii.
     */
    static float[] morph(float[] in, int side, int r, boolean thicker) {
        float[] rows = new float[in.length], out = new float[in.length];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) rows[y * side + x] = extreme(in, y * side, 1, x, side, r, thicker);
        }
        for (int x = 0; x < side; x++) {
            for (int y = 0; y < side; y++) out[y * side + x] = extreme(rows, x, side, y, side, r, thicker);
        }
        return out;
    }

    private static float extreme(float[] a, int start, int step, int at, int n, int r, boolean max) {
        float e = max ? 0 : 1;
        for (int k = Math.max(0, at - r); k <= Math.min(n - 1, at + r); k++) {
            float v = a[start + k * step];
            e = max ? Math.max(e, v) : Math.min(e, v);
        }
        if (!max && (at - r < 0 || at + r > n - 1)) e = 0; // outside the image is paper
        return e;
    }

    private static float bilinear(float[] img, float x, float y) {
        int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
        float fx = x - x0, fy = y - y0;
        return (1 - fy) * ((1 - fx) * at(img, x0, y0) + fx * at(img, x0 + 1, y0))
                + fy * ((1 - fx) * at(img, x0, y0 + 1) + fx * at(img, x0 + 1, y0 + 1));
    }

    private static float at(float[] img, int x, int y) {
        return x < 0 || y < 0 || x > 27 || y > 27 ? 0 : img[y * 28 + x];
    }
}
