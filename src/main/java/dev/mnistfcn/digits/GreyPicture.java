package dev.mnistfcn.digits;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;

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

    /** One row of grey levels, alpha already composited on white. */
    private interface RowReader {
        void read(int y, float[] grey);

        static RowReader of(BufferedImage picture) {
            int w = picture.getWidth();
            var model = picture.getColorModel();
            Raster raster = picture.getRaster();
            int bands = raster.getNumBands();
            // Grey PNGs (8 or 16 bit, with or without alpha): the stored samples are the grey levels. getRGB would
            // treat them as linear light and brighten every mid-grey on its way to sRGB.
            if (model instanceof ComponentColorModel && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                    && !model.isAlphaPremultiplied() && bands == (model.hasAlpha() ? 2 : 1)) {
                float greyMax = (1 << model.getComponentSize(0)) - 1;
                float alphaMax = model.hasAlpha() ? (1 << model.getComponentSize(1)) - 1 : 1;
                int[] g = new int[w];
                int[] a = new int[w];
                return (y, grey) -> {
                    raster.getSamples(0, y, w, 1, 0, g);
                    if (bands == 2) raster.getSamples(0, y, w, 1, 1, a);
                    for (int x = 0; x < w; x++) {
                        float alpha = bands == 2 ? a[x] / alphaMax : 1f;
                        grey[x] = alpha * (g[x] / greyMax) + (1 - alpha);
                    }
                };
            }
            int[] argb = new int[w];
            return (y, grey) -> {
                picture.getRGB(0, y, w, 1, argb, 0, w); // palette, RGB, RGBA, BMP, GIF: ARGB in sRGB
                for (int x = 0; x < w; x++) {
                    int p = argb[x];
                    float alpha = (p >>> 24) / 255f;
                    // Rec. 601 luma, the weights of most greyscale conversions (and of JPEG's own Y channel).
                    float luma = (0.299f * ((p >> 16) & 0xff) + 0.587f * ((p >> 8) & 0xff) + 0.114f * (p & 0xff)) / 255f;
                    grey[x] = alpha * luma + (1 - alpha);
                }
            };
        }
    }
}
