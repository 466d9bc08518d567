package dev.mnistfcn.digits;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link GreyPicture#of} reads the common 8-bit layouts straight from their data buffers; this checks each against
 * the same levels read sample by sample through {@link Raster#getSample}, bit for bit, whole pictures and
 * sub-pictures (whose rasters start inside a larger buffer), and the RGBA layout a PNG is decoded into.
 */
class GreyPictureTest {
    private static final int[] TYPES = {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_3BYTE_BGR,
            BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_BGR};

    @Test
    void directReadsGiveTheLevelsSampleBySample() {
        Random random = new Random(28);
        for (int type : TYPES) {
            BufferedImage picture = new BufferedImage(53, 41, type);
            for (int y = 0; y < 41; y++) {
                for (int x = 0; x < 53; x++) picture.setRGB(x, y, random.nextBoolean() ? random.nextInt() : 0xffffffff);
            }
            for (BufferedImage p : new BufferedImage[]{picture, picture.getSubimage(5, 3, 40, 30)}) {
                assertArrayEquals(sampleBySample(p), GreyPicture.of(p).values(), "type " + type + ", " + p.getWidth() + " wide");
            }
        }
    }

    @Test
    void aPngsRgbaIsReadInItsOwnByteOrder() {
        BufferedImage canvas = new BufferedImage(30, 20, BufferedImage.TYPE_4BYTE_ABGR);
        Random random = new Random(280);
        for (int y = 0; y < 20; y++) for (int x = 0; x < 30; x++) canvas.setRGB(x, y, random.nextInt());
        BufferedImage decoded = DigitImages.read(DigitImages.png(canvas), "canvas.png");
        assertEquals(BufferedImage.TYPE_CUSTOM, decoded.getType(), "decoded as R, G, B, A bytes, not reordered");
        assertArrayEquals(sampleBySample(canvas), GreyPicture.of(decoded).values());
    }

    /** Luma of 8-bit samples, alpha composited on white, as GreyPicture defines them. */
    private static float[] sampleBySample(BufferedImage p) {
        Raster r = p.getRaster();
        boolean alpha = p.getColorModel().hasAlpha();
        float[] grey = new float[p.getWidth() * p.getHeight()];
        for (int y = 0; y < p.getHeight(); y++) {
            for (int x = 0; x < p.getWidth(); x++) {
                float luma = r.getNumBands() < 3 ? r.getSample(x, y, 0) / 255f : 0.299f * r.getSample(x, y, 0) / 255f
                        + 0.587f * r.getSample(x, y, 1) / 255f + 0.114f * r.getSample(x, y, 2) / 255f;
                float a = alpha ? r.getSample(x, y, r.getNumBands() - 1) / 255f : 1f;
                grey[y * p.getWidth() + x] = a * luma + (1 - a);
            }
        }
        return grey;
    }
}
