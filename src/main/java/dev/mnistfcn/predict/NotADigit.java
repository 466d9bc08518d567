package dev.mnistfcn.predict;

import dev.mnistfcn.Mnist;
import dev.mnistfcn.storage.NotADigitCheck;

/**
 * The "not a digit" answer of a model that carries a {@link NotADigitCheck}: its detector's probability that the
 * picture is a digit below the calibrated threshold. (Multiplied by the model's confidence it did no better:
 * docs/not-a-digit.md.)
 *
 * <p>The detector's forward pass is written out here (784×128 multiply-adds: half of two-layer's, a twentieth of
 * tuned's): it runs on plain arrays that every request thread reads at once, where a DL4J network would have to be
 * called by one thread at a time.
 */
public final class NotADigit {
    private final int hidden;
    private final float[] w1, b1, w2, b2;
    private final double threshold;

    public NotADigit(NotADigitCheck check) {
        hidden = check.hidden();
        w1 = NotADigitCheck.floats(check.w1());
        b1 = NotADigitCheck.floats(check.b1());
        w2 = NotADigitCheck.floats(check.w2());
        b2 = NotADigitCheck.floats(check.b2());
        threshold = check.threshold();
    }

    /** The detector's probability that {@code pixels} (784, MNIST's form) hold a digit. */
    public double digitProbability(float[] pixels) {
        float[] h = b1.clone();
        for (int i = 0; i < Mnist.PIXELS; i++) {
            float x = pixels[i];
            if (x == 0) continue; // most of a digit's pixels are black
            for (int j = 0, row = i * hidden; j < hidden; j++) h[j] += x * w1[row + j];
        }
        double digit = b2[0], not = b2[1];
        for (int j = 0; j < hidden; j++) {
            if (h[j] <= 0) continue; // ReLU
            digit += h[j] * w2[2 * j];
            not += h[j] * w2[2 * j + 1];
        }
        return 1 / (1 + Math.exp(not - digit)); // softmax of two
    }

    /**
     * Less ink than this (pixel values summed, 0..1 each) is not a digit: half the least of MNIST's 70,000 digits
     * (19.95, a thin 1). The recipe never makes so little of a picture's ink, but pixels sent as JSON skip it, and a
     * lone dot there got a digit through the detector, which never saw near-empty pictures (a review).
     */
    static final double MIN_INK = 10;

    /** True when {@code pixels} are not a digit. */
    public boolean refuses(float[] pixels) {
        double ink = 0;
        for (float v : pixels) ink += v;
        return ink < MIN_INK || digitProbability(pixels) < threshold;
    }
}
