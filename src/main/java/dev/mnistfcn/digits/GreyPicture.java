package dev.mnistfcn.digits;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.util.Set;

/**
 * A picture as grey levels (0 black … 1 white), transparency composited on white paper, at most
 * {@link #WORK_SIDE} pixels a side: larger photos are box-averaged down on the way in, so that a 40-megapixel
 * picture costs one pass over its rows and a few megabytes, not a float per pixel.
 */
record GreyPicture(int width, int height, float[] values) {
    /** Enough to keep a digit that fills a tenth of a phone photo at ~100 pixels before it is cut to 20. */
    static final int WORK_SIDE = 1024;

    float at(int x, int y) {
        return values[y * width + x];
    }

    static GreyPicture of(BufferedImage picture) {
        int w = picture.getWidth();
        int h = picture.getHeight();
        int f = (Math.max(w, h) + WORK_SIDE - 1) / WORK_SIDE;
        int gw = (w + f - 1) / f;
        int gh = (h + f - 1) / f;
        float[] sums = new float[gw * gh];
        float[] row = new float[w];
        RowReader reader = RowReader.of(picture);
        for (int y = 0; y < h; y++) {
            reader.read(y, row);
            int base = (y / f) * gw;
            for (int x = 0; x < w; x++) sums[base + x / f] += row[x];
        }
        if (f > 1) {
            for (int gy = 0; gy < gh; gy++) {
                int rows = Math.min(f, h - gy * f);
                for (int gx = 0; gx < gw; gx++) sums[gy * gw + gx] /= rows * Math.min(f, w - gx * f);
            }
        }
        return new GreyPicture(gw, gh, sums);
    }

    /** Rec. 601 luma weights, those of most greyscale conversions (and of JPEG's own Y channel). */
    private static final float LUMA_R = 0.299f, LUMA_G = 0.587f, LUMA_B = 0.114f;

    /** One row of grey levels, alpha already composited on white. */
    private interface RowReader {
        void read(int y, float[] grey);

        static RowReader of(BufferedImage picture) {
            int w = picture.getWidth();
            ColorModel model = picture.getColorModel();
            Raster raster = picture.getRaster();
            int bands = raster.getNumBands();
            int colours = model.getNumColorComponents();
            boolean samplesAreLevels = (model instanceof ComponentColorModel || model instanceof DirectColorModel)
                    && !model.isAlphaPremultiplied() && bands == model.getNumComponents()
                    && Set.of(DataBuffer.TYPE_BYTE, DataBuffer.TYPE_USHORT, DataBuffer.TYPE_INT).contains(raster.getTransferType())
                    && (colours == 1 && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                    || colours == 3 && model.getColorSpace().isCS_sRGB());
            if (samplesAreLevels) {
                // Grey, RGB and their alpha forms in 8 or 16 bits (most PNGs, JPEGs, BMPs): the stored samples are the
                // levels, read a row at a time. getRGB would go pixel by pixel, and would take a grey PNG's samples
                // for linear light, brightening every mid-grey on its way to sRGB.
                float[] max = new float[bands];
                for (int b = 0; b < bands; b++) max[b] = (float) ((1L << model.getComponentSize(b)) - 1);
                int[] samples = new int[w * bands];
                return (y, grey) -> {
                    raster.getPixels(0, y, w, 1, samples);
                    for (int x = 0, s = 0; x < w; x++, s += bands) {
                        float luma = colours == 1 ? samples[s] / max[0]
                                : LUMA_R * samples[s] / max[0] + LUMA_G * samples[s + 1] / max[1] + LUMA_B * samples[s + 2] / max[2];
                        float alpha = bands > colours ? samples[s + colours] / max[colours] : 1f;
                        grey[x] = alpha * luma + (1 - alpha);
                    }
                };
            }
            int[] argb = new int[w];
            return (y, grey) -> {
                picture.getRGB(0, y, w, 1, argb, 0, w); // palettes (GIF, some PNGs) and the rest: ARGB in sRGB
                for (int x = 0; x < w; x++) {
                    int p = argb[x];
                    float alpha = (p >>> 24) / 255f;
                    float luma = (LUMA_R * ((p >> 16) & 0xff) + LUMA_G * ((p >> 8) & 0xff) + LUMA_B * (p & 0xff)) / 255f;
                    grey[x] = alpha * luma + (1 - alpha);
                }
            };
        }
    }
}
