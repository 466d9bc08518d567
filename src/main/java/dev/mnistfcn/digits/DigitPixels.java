package dev.mnistfcn.digits;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * A person's picture → the 784 pixels the model sees, in one call: decoded within {@link DigitImages}' limits (format,
 * size, the shared decoding budget, held until the recipe is done), then {@link MnistRecipe}. What {@code predict}
 * and {@code serve} both use; an {@link UnreadableImage} (or another {@code UserError} of the decoder) names the
 * picture and why otherwise.
 */
public final class DigitPixels {
    private DigitPixels() {
    }

    /** The pixels of the picture in {@code bytes}; {@code source} names them in errors ("request body", a file). */
    public static float[] of(byte[] bytes, String source) {
        return DigitImages.read(bytes, source, DigitPixels::of);
    }

    /** The pixels of the picture in {@code file}. */
    public static float[] of(Path file) {
        return DigitImages.read(file, DigitPixels::of);
    }

    /** The pixels of a picture already decoded; "no digit found" when it holds no ink. */
    public static float[] of(BufferedImage picture) {
        return MnistRecipe.prepare(picture)
                .orElseThrow(() -> new UnreadableImage("no digit found: the picture has no ink (blank or one colour)"));
    }
}
