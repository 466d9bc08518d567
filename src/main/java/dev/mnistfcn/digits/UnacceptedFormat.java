package dev.mnistfcn.digits;

/**
 * A picture in a format we recognise but do not read (TIFF, WebP, PSD, ...): HTTP 415. Only the JDK's own PNG, JPEG,
 * GIF and BMP decoders see uploads; the TIFF, PSD and JPEG 2000 readers datavec puts on the classpath
 * (TwelveMonkeys 3.1.1, jai-imageio 1.3.0) are old and large, and are never asked.
 */
public final class UnacceptedFormat extends UnreadableImage {
    public UnacceptedFormat(String message) {
        super(message);
    }
}
