package dev.mnistfcn.digits;

import dev.mnistfcn.UserError;

/** An input that is no picture we can use: not an image, truncated, too large, CMYK JPEG, or no ink in it. */
public class UnreadableImage extends UserError {
    public UnreadableImage(String message) {
        super(message);
    }

    public UnreadableImage(String message, Throwable cause) {
        super(message, cause);
    }
}
