package dev.mnistfcn.digits;

import dev.mnistfcn.Mnist;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Optional;

/**
 * A person's picture of a digit turned into what an MNIST model expects: white ink on black, size-normalised into a
 * 20×20 box and placed in 28×28 with its centre of mass at the centre, values 0..1, row by row.
 *
 * <p>The model learnt MNIST's digits only, so a picture must reach it in the form MNIST gave them. LeCun's page
 * (yann.lecun.com/exdb/mnist) describes that form: "The original black and white (bilevel) images from NIST were size
 * normalized to fit in a 20x20 pixel box while preserving their aspect ratio. The resulting images contain grey
 * levels as a result of the anti-aliasing technique used by the normalization algorithm. The images were centered
 * in a 28x28 image by computing the center of mass of the pixels, and translating the image so as to position this
 * center of mass at the center of the 28x28 field." Ink is 1, paper 0. People's pictures differ in every one of
 * these: dark ink on light paper, grey paper and grey pencil, anywhere in the frame, any size, with noise and
 * specks. Each step below undoes one of those differences.
 */
public final class MnistRecipe {
    /** MNIST's side, and the box its digits were scaled to fit. */
    static final int SIDE = 28;
    static final int BOX = 20;
    static final int CENTRE = 14;
    /** Less difference than this between paper and the darkest ink (of 0..1) is a blank page, not a faint digit. */
    static final float MIN_CONTRAST = 0.12f;
    /**
     * Strokes thinner than this, in pixels of the 20×20 box (as {@link #strokeWidth} measures them), are widened to
     * it: MNIST's thinner strokes (its 5th to 25th percentile is 2.3 to 2.8; the least 2.0, the median 3.2). A 3-pixel
     * ballpoint line on a 300-pixel digit would average to a fifth of full ink. Widening every thinner pen to the same
     * width, not only the finest, keeps a medium pen from reading worse than a fine one (docs/predict.md, step 4b).
     */
    static final double THIN_STROKE = 2.5;
    /** Paper within this many of its noise's standard deviations of the paper level becomes 0, as MNIST's background is. */
    static final float NOISE_SIGMAS = 3;

    private MnistRecipe() {
    }

    /** The 784 pixels the model sees; empty when the picture holds no ink ("no digit found"). */
    public static Optional<float[]> prepare(BufferedImage picture) {
        // 1. Grey, transparency composited on white: a canvas exported with a transparent background is paper.
        GreyPicture grey = GreyPicture.of(picture);
        float[] v = grey.values();
        // 2. Polarity and 3. contrast: MNIST's ink is bright on a black (0) background.
        if (!toInkOnBlack(v, grey.width(), grey.height())) {
            // Light ink on a transparent background (a canvas in a dark theme) vanishes on white paper: on black it shows.
            if (!picture.getColorModel().hasAlpha()) return Optional.empty();
            grey = GreyPicture.of(picture, GreyPicture.BLACK_PAPER);
            v = grey.values();
            if (!toInkOnBlack(v, grey.width(), grey.height())) return Optional.empty();
        }
        // 4. Crop to the ink, specks left out: MNIST measured the size of the digit, not of the frame.
        Optional<InkBox> found = InkBox.find(v, grey.width());
        if (found.isEmpty()) return Optional.empty();
        InkBox box = found.get();
        // 4b. A fine pen on a large picture (a ballpoint photographed): strokes thinner than MNIST's would average
        //     to faint ghosts in 20×20, so they are widened first, as the NIST writers' pens were.
        double scale = (double) BOX / Math.max(box.width(), box.height());
        double stroke = strokeWidth(v, grey.width(), box);
        if (stroke * scale < THIN_STROKE) {
            box = thicken(v, grey.width(), box, (int) Math.round((THIN_STROKE / scale - stroke) / 2));
        }
        // 5. Fit into 20×20 keeping the aspect ratio (a 1 stays thin), averaging areas so no stroke falls between
        //    samples; 6. place in 28×28 with the centre of mass at the centre.
        float[] digit = centreOfMassAtCentre(fitInBox(v, grey.width(), box));
        for (float p : digit) if (p > 0) return Optional.of(digit);
        return Optional.empty();
    }

    /** The 784 pixels as a 28×28 greyscale picture (white ink on black, as the model saw them). */
    public static BufferedImage toPicture(float[] pixels) {
        if (pixels.length != Mnist.PIXELS) throw new IllegalArgumentException("expected 784 pixels, got " + pixels.length);
        var picture = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        int[] samples = new int[pixels.length];
        for (int i = 0; i < pixels.length; i++) samples[i] = Math.round(255 * Math.min(1, Math.max(0, pixels[i])));
        picture.getRaster().setSamples(0, 0, SIDE, SIDE, 0, samples);
        return picture;
    }

    /**
     * Turns {@code v} (0 black … 1 white) in place into ink 1 on paper 0; false when it holds no ink at all.
     *
     * <p>The paper is what the border shows: a digit is written inside its frame, so most border pixels are
     * paper even when a stroke touches the edge. Light paper (dark ink, as people write) is inverted. Then the
     * paper level, plus three times its noise, becomes 0 and the ink's level 1, as in MNIST: real paper is never
     * white, JPEG and sensors add noise, and a pencil is grey, none of which the model has seen.
     */
    static boolean toInkOnBlack(float[] v, int width, int height) {
        float[] border = border(v, width, height);
        Arrays.sort(border);
        float paper = border[border.length / 2];
        boolean invert = paper > 0.5f;
        float brightest = 0;
        if (invert) {
            for (int i = 0; i < v.length; i++) brightest = Math.max(brightest, v[i] = 1 - v[i]);
            paper = 1 - paper;
        } else {
            for (float p : v) brightest = Math.max(brightest, p);
        }
        if (brightest - paper < MIN_CONTRAST) return false;

        float midway = paper + (brightest - paper) / 2;
        float background = Math.min(paper + NOISE_SIGMAS * noise(border, paper, invert), midway);
        float ink = inkLevel(v, midway);
        float range = Math.max(ink - background, 1e-6f);
        for (int i = 0; i < v.length; i++) v[i] = Math.min(1, Math.max(0, (v[i] - background) / range));
        return true;
    }

    /**
     * The paper's noise as a standard deviation, from the border pixels on the ink's side of the paper level only:
     * on the other side, noise is often cut off (white paper overexposed to 255, a black background at 0), which
     * would hide it from a plain median absolute deviation. Half of a noisy paper lies on the ink's side; when far
     * fewer do, the paper is clean and those few are ink reaching the border.
     */
    private static float noise(float[] sortedBorder, float paper, boolean inverted) {
        float[] inkSide = new float[sortedBorder.length];
        int n = 0;
        for (float b : sortedBorder) {
            float level = inverted ? 1 - b : b;
            if (level > paper) inkSide[n++] = level - paper;
        }
        if (n < sortedBorder.length / 4) return 0;
        Arrays.sort(inkSide, 0, n);
        return 1.4826f * inkSide[n / 2]; // a half-normal's median is 0.6745 standard deviations
    }

    /** The 90th percentile of the pixels brighter than {@code midway}: the ink, not its brightest speck. */
    private static float inkLevel(float[] v, float midway) {
        int[] histogram = new int[1024];
        int count = 0;
        for (float p : v) {
            if (p <= midway) continue;
            histogram[Math.min(1023, (int) (p * 1024))]++;
            count++;
        }
        int seen = 0;
        for (int bin = 0; bin < histogram.length; bin++) {
            seen += histogram[bin];
            if (seen >= 0.9 * count) return (bin + 1) / 1024f;
        }
        return 1;
    }

    private static float[] border(float[] v, int width, int height) {
        if (width == 1 || height == 1) return v.clone();
        float[] b = new float[2 * width + 2 * (height - 2)];
        int n = 0;
        for (int x = 0; x < width; x++) {
            b[n++] = v[x];
            b[n++] = v[(height - 1) * width + x];
        }
        for (int y = 1; y < height - 1; y++) {
            b[n++] = v[y * width];
            b[n++] = v[y * width + width - 1];
        }
        return b;
    }

    /**
     * The strokes' width in pixels inside {@code box}: twice the ink's area over its edge pixels (ink beside paper),
     * as a stroke of width w and length L has area wL and two edges of L. A one-pixel line reads as 2.
     */
    static double strokeWidth(float[] v, int width, InkBox box) {
        long area = 0, edge = 0;
        int height = v.length / width;
        for (int y = box.y0(); y < box.y1(); y++) {
            for (int x = box.x0(); x < box.x1(); x++) {
                if (v[y * width + x] < InkBox.INK) continue;
                area++;
                if (x == 0 || y == 0 || x == width - 1 || y == height - 1 || v[y * width + x - 1] < InkBox.INK
                        || v[y * width + x + 1] < InkBox.INK || v[(y - 1) * width + x] < InkBox.INK
                        || v[(y + 1) * width + x] < InkBox.INK) {
                    edge++;
                }
            }
        }
        return edge == 0 ? 0 : 2.0 * area / edge;
    }

    /**
     * Ink within {@code r} pixels (a square) of a pixel spreads to it, in place, in {@code box} grown by {@code r}
     * (kept inside the picture), which is returned. Separable running maxima (van Herk and Gil-Werman): each pixel
     * costs the same whatever {@code r}, which reaches 60 on a 1024-pixel digit.
     */
    static InkBox thicken(float[] v, int width, InkBox box, int r) {
        if (r <= 0) return box;
        int height = v.length / width;
        var grown = new InkBox(Math.max(0, box.x0() - r), Math.max(0, box.y0() - r), Math.min(width, box.x1() + r),
                Math.min(height, box.y1() + r));
        int w = grown.width(), h = grown.height();
        float[] line = new float[Math.max(w, h)], out = new float[line.length];
        float[] prefix = new float[line.length + 2 * r], suffix = new float[line.length + 2 * r];
        for (int y = grown.y0(); y < grown.y1(); y++) {
            int at = y * width + grown.x0();
            System.arraycopy(v, at, line, 0, w);
            runningMax(line, w, r, prefix, suffix, out);
            System.arraycopy(out, 0, v, at, w);
        }
        for (int x = grown.x0(); x < grown.x1(); x++) {
            for (int y = 0; y < h; y++) line[y] = v[(grown.y0() + y) * width + x];
            runningMax(line, h, r, prefix, suffix, out);
            for (int y = 0; y < h; y++) v[(grown.y0() + y) * width + x] = out[y];
        }
        return grown;
    }

    /**
     * {@code out[i]} = the largest of {@code a[i-r … i+r]} (within {@code 0 … n-1}), from per-block running maxima
     * over {@code a} padded with r zeros a side (ink is never below 0), so that every window is one block long.
     */
    private static void runningMax(float[] a, int n, int r, float[] prefix, float[] suffix, float[] out) {
        int k = 2 * r + 1, padded = n + 2 * r;
        for (int i = 0; i < padded; i++) {
            float p = i < r || i >= n + r ? 0 : a[i - r];
            prefix[i] = i % k == 0 ? p : Math.max(prefix[i - 1], p);
        }
        for (int i = padded - 1; i >= 0; i--) {
            float p = i < r || i >= n + r ? 0 : a[i - r];
            suffix[i] = i % k == k - 1 || i == padded - 1 ? p : Math.max(suffix[i + 1], p);
        }
        // the window [i, i + 2r] of the padded line spans the end of one block and the start of the next
        for (int i = 0; i < n; i++) out[i] = Math.max(suffix[i], prefix[i + 2 * r]);
    }

    /** The digit in {@code box} scaled to fit 20×20, aspect ratio kept. */
    private static Scaled fitInBox(float[] v, int width, InkBox box) {
        double scale = (double) BOX / Math.max(box.width(), box.height());
        int w = Math.max(1, Math.min(BOX, (int) Math.round(box.width() * scale)));
        int h = Math.max(1, Math.min(BOX, (int) Math.round(box.height() * scale)));
        // Area averaging, separably: each output pixel is the mean of the source area it covers, the antialiasing
        // that gave MNIST its grey rims. (Java2D's area-averaging filter does the same through its slow
        // producer/consumer pipeline; bilinear drawImage skips pixels when shrinking more than 2×.)
        float[] rows = new float[box.height() * w];
        var across = new AreaAverage(box.width(), w);
        for (int y = 0; y < box.height(); y++) across.resample(v, (box.y0() + y) * width + box.x0(), 1, rows, y * w, 1);
        float[] out = new float[w * h];
        var down = new AreaAverage(box.height(), h);
        for (int x = 0; x < w; x++) down.resample(rows, x, w, out, x, w);
        return new Scaled(w, h, out);
    }

    private record Scaled(int width, int height, float[] pixels) {
    }

    /** {@code s} pasted into 28×28 so that its centre of mass lands on the centre, moved whole pixels as MNIST's. */
    private static float[] centreOfMassAtCentre(Scaled s) {
        double mass = 0, mx = 0, my = 0;
        for (int y = 0; y < s.height(); y++) {
            for (int x = 0; x < s.width(); x++) {
                float p = s.pixels()[y * s.width() + x];
                mass += p;
                mx += p * x;
                my += p * y;
            }
        }
        float[] out = new float[Mnist.PIXELS];
        if (mass == 0) return out;
        // MNIST's centres of mass sit at pixel (14, 14), counting from 0 (the test set's mean: 14.01, 13.99): half a
        // pixel right of and below the frame's middle. Kept whole inside the frame: a 7's mass sits high, but its
        // foot must not fall off the bottom.
        int left = clamp((int) Math.round(CENTRE - mx / mass), SIDE - s.width());
        int top = clamp((int) Math.round(CENTRE - my / mass), SIDE - s.height());
        for (int y = 0; y < s.height(); y++) {
            System.arraycopy(s.pixels(), y * s.width(), out, (top + y) * SIDE + left, s.width());
        }
        for (int i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i]));
        return out;
    }

    private static int clamp(int offset, int max) {
        return Math.max(0, Math.min(max, offset));
    }
}
