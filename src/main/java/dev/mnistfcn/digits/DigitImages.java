package dev.mnistfcn.digits;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * Image files and uploaded bytes as pictures, through the JDK's ImageIO (PNG, JPEG, BMP, GIF's first frame),
 * refusing from the header alone any image larger than {@link #MAX_PIXELS}: a 50 KB PNG can claim 20000×20000.
 */
public final class DigitImages {
    /** The largest picture decoded, in pixels (width × height). */
    public static final long MAX_PIXELS = 40_000_000L;

    private DigitImages() {
    }

    /** The picture in {@code file}; an {@link UnreadableImage} naming the file and why otherwise. */
    public static BufferedImage read(Path file) {
        throw new UnsupportedOperationException("skeleton: issue #13 predict helper");
    }

    /** The picture in {@code bytes}; {@code source} names them in errors (a file name, "request body"). */
    public static BufferedImage read(byte[] bytes, String source) {
        throw new UnsupportedOperationException("skeleton: issue #13 predict helper");
    }
}
