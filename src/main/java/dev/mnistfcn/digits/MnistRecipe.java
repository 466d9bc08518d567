package dev.mnistfcn.digits;

import java.awt.image.BufferedImage;
import java.util.Optional;

/**
 * A person's picture of a digit turned into what an MNIST model expects: white ink on black, size-normalised into a
 * 20×20 box and placed in 28×28 with its centre of mass at the centre, values 0..1, row by row.
 */
public final class MnistRecipe {
    private MnistRecipe() {
    }

    /** The 784 pixels the model sees; empty when the picture holds no ink ("no digit found"). */
    public static Optional<float[]> prepare(BufferedImage picture) {
        throw new UnsupportedOperationException("skeleton: issue #13 predict helper");
    }
}
