package dev.mnistfcn.digits;

import javax.imageio.ImageTypeSpecifier;
import java.awt.image.DataBuffer;
import java.awt.image.MultiPixelPackedSampleModel;
import java.awt.image.SampleModel;
import java.util.Locale;

/** What decoding a picture, and MNIST's recipe on it, will take in memory: from its header, before decoding. */
final class DecodeCost {
    private DecodeCost() {
    }

    /**
     * The decoded raster, plus what scales with the width: the PNG reader's current and previous rows (each as wide as
     * the raster's), and {@link GreyPicture}'s per-row buffers (a float and up to four int samples per pixel); plus
     * the grey picture itself (at most {@link GreyPicture#WORK_SIDE} a side, and MnistRecipe's two working copies).
     * A 30,000,000×1 16-bit RGBA PNG: 240 MB of raster, 480 MB of rows, 600 MB of recipe rows.
     */
    static long bytes(long width, long height, ImageTypeSpecifier type) {
        long rowBytes = (width * bitsPerPixel(type.getSampleModel()) + 7) / 8;
        long side = GreyPicture.WORK_SIDE;
        long f = (Math.max(width, height) + side - 1) / side;
        long grey = 4 * ((width + f - 1) / f) * ((height + f - 1) / f);
        return rowBytes * height + 2 * rowBytes + 20 * width + 3 * grey;
    }

    /** "request body: a PNG of 30,000,000×1 pixels, 64 bits each". */
    static String describe(String source, String format, long width, long height, ImageTypeSpecifier type) {
        return String.format(Locale.ROOT, "%s: a %s of %,d×%,d pixels, %d bits each,", source, format, width, height,
                bitsPerPixel(type.getSampleModel()));
    }

    private static long bitsPerPixel(SampleModel model) {
        if (model instanceof MultiPixelPackedSampleModel m) return m.getPixelBitStride();
        return (long) DataBuffer.getDataTypeSize(model.getDataType()) * model.getNumDataElements();
    }
}
