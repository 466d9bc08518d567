package dev.mnistfcn.digits;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * EXIF's orientation tag (0x0112) and what it asks of the pixels: 1 as stored, 2-8 mirrored and/or turned by a
 * quarter. Read from a JPEG's APP1 segment by hand: the JDK has no EXIF reader, and the tag is one IFD entry.
 */
final class ExifOrientation {
    private static final int TAG = 0x0112;

    private ExifOrientation() {
    }

    /**
     * The orientation in an APP1 segment's bytes (after its length), 0 where the segment is not EXIF or holds no
     * valid orientation (a stranger's bytes: every offset is checked).
     */
    static int of(byte[] segment) {
        if (segment.length < 14 || !new String(segment, 0, 6, java.nio.charset.StandardCharsets.ISO_8859_1)
                .equals("Exif\0\0")) {
            return 0;
        }
        ByteBuffer tiff = ByteBuffer.wrap(segment, 6, segment.length - 6).slice();
        if (tiff.get(0) == 'I' && tiff.get(1) == 'I') tiff.order(ByteOrder.LITTLE_ENDIAN);
        else if (tiff.get(0) != 'M' || tiff.get(1) != 'M') return 0;
        if (tiff.getShort(2) != 42) return 0;
        long ifd = tiff.getInt(4) & 0xFFFFFFFFL;
        if (ifd < 8 || ifd + 2 > tiff.limit()) return 0;
        int entries = tiff.getShort((int) ifd) & 0xFFFF;
        for (int i = 0; i < entries; i++) {
            int at = (int) ifd + 2 + 12 * i;
            if (at + 12 > tiff.limit()) return 0;
            if ((tiff.getShort(at) & 0xFFFF) == TAG) {
                int value = tiff.getShort(at + 8) & 0xFFFF; // a SHORT, left-justified in the value field
                return value >= 1 && value <= 8 ? value : 0;
            }
        }
        return 0;
    }

    /** Whether {@code orientation} swaps width and height (a quarter turn). */
    static boolean swapsSides(int orientation) {
        return orientation >= 5;
    }

    /** {@code picture} turned as {@code orientation} asks; the same picture for 1. */
    static BufferedImage apply(BufferedImage picture, int orientation) {
        if (orientation <= 1 || orientation > 8) return picture;
        int w = picture.getWidth(), h = picture.getHeight();
        boolean swap = swapsSides(orientation);
        WritableRaster from = picture.getRaster();
        WritableRaster to = picture.getColorModel().createCompatibleWritableRaster(swap ? h : w, swap ? w : h);
        Object pixel = null;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                pixel = from.getDataElements(x, y, pixel);
                int tx, ty; // where the stored pixel (x, y) is shown
                switch (orientation) {
                    case 2 -> { tx = w - 1 - x; ty = y; }
                    case 3 -> { tx = w - 1 - x; ty = h - 1 - y; }
                    case 4 -> { tx = x; ty = h - 1 - y; }
                    case 5 -> { tx = y; ty = x; }
                    case 6 -> { tx = h - 1 - y; ty = x; }
                    case 7 -> { tx = h - 1 - y; ty = w - 1 - x; }
                    default -> { tx = y; ty = w - 1 - x; } // 8
                }
                to.setDataElements(tx, ty, pixel);
            }
        }
        return new BufferedImage(picture.getColorModel(), to, picture.isAlphaPremultiplied(), null);
    }
}
