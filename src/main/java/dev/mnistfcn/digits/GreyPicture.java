package dev.mnistfcn.digits;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Set;

/**
 * A picture as grey levels (0 black … 1 white), transparency composited on paper of a given level, at most
 * {@link #WORK_SIDE} pixels a side: larger photos are box-averaged down on the way in, so that a 40-megapixel
 * picture costs one pass over its rows and a few megabytes, not a float per pixel.
 */
record GreyPicture(int width, int height, float[] values) {
    /** Enough to keep a digit that fills a tenth of a phone photo at ~100 pixels before it is cut to 20. */
    static final int WORK_SIDE = 1024;

    float at(int x, int y) {
        return values[y * width + x];
    }

    /** The paper a transparent pixel shows: white, as a page under a canvas is; black for light ink on nothing. */
    static final float WHITE_PAPER = 1, BLACK_PAPER = 0;

    /** On white paper. */
    static GreyPicture of(BufferedImage picture) {
        return of(picture, WHITE_PAPER);
    }

    /** Transparency composited on {@code paper} (0 black … 1 white). */
    static GreyPicture of(BufferedImage picture, float paper) {
        int w = picture.getWidth();
        int h = picture.getHeight();
        int f = (Math.max(w, h) + WORK_SIDE - 1) / WORK_SIDE;
        int gw = (w + f - 1) / f;
        int gh = (h + f - 1) / f;
        float[] sums = new float[gw * gh];
        RowReader reader = RowReader.of(picture, paper);
        if (f == 1) {
            for (int y = 0; y < h; y++) reader.read(y, sums, y * w); // most pictures: the rows are the grey levels
            return new GreyPicture(gw, gh, sums);
        }
        float[] row = new float[w];
        for (int y = 0; y < h; y++) {
            reader.read(y, row, 0);
            int base = (y / f) * gw;
            for (int x = 0; x < w; x++) sums[base + x / f] += row[x];
        }
        for (int gy = 0; gy < gh; gy++) {
            int rows = Math.min(f, h - gy * f);
            for (int gx = 0; gx < gw; gx++) sums[gy * gw + gx] /= rows * Math.min(f, w - gx * f);
        }
        return new GreyPicture(gw, gh, sums);
    }

    /** Rec. 601 luma weights, those of most greyscale conversions (and of JPEG's own Y channel). */
    private static final float LUMA_R = 0.299f, LUMA_G = 0.587f, LUMA_B = 0.114f;

    private static final Set<Integer> LEVEL_TYPES = Set.of(DataBuffer.TYPE_BYTE, DataBuffer.TYPE_USHORT, DataBuffer.TYPE_INT);

    /** One row of grey levels, alpha already composited on the paper, written to {@code grey} from {@code at}. */
    private interface RowReader {
        void read(int y, float[] grey, int at);

        static RowReader of(BufferedImage picture, float paper) {
            int w = picture.getWidth();
            ColorModel model = picture.getColorModel();
            Raster raster = picture.getRaster();
            int bands = raster.getNumBands();
            int colours = model.getNumColorComponents();
            boolean samplesAreLevels = (model instanceof ComponentColorModel || model instanceof DirectColorModel)
                    && !model.isAlphaPremultiplied() && bands == model.getNumComponents()
                    && LEVEL_TYPES.contains(raster.getTransferType())
                    && (colours == 1 && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                    || colours == 3 && model.getColorSpace().isCS_sRGB());
            if (samplesAreLevels) {
                // Grey, RGB and their alpha forms in 8 or 16 bits (most PNGs, JPEGs, BMPs): the stored samples are the
                // levels. getRGB would go pixel by pixel, and would take a grey PNG's samples for linear light,
                // brightening every mid-grey on its way to sRGB.
                float[] max = new float[bands];
                for (int b = 0; b < bands; b++) max[b] = (float) ((1L << model.getComponentSize(b)) - 1);
                Levels levels = new Levels(colours, bands, max, paper);
                RowReader direct = EightBitRows.of(raster, levels);
                if (direct != null) return direct;
                int[] samples = new int[w * bands];
                return (y, grey, at) -> {
                    raster.getPixels(0, y, w, 1, samples);
                    for (int x = 0; x < w; x++) grey[at + x] = levels.grey(samples, x * bands);
                };
            }
            int[] argb = new int[w];
            return (y, grey, at) -> {
                picture.getRGB(0, y, w, 1, argb, 0, w); // palettes (GIF, some PNGs) and the rest: ARGB in sRGB
                for (int x = 0; x < w; x++) {
                    int p = argb[x];
                    float alpha = (p >>> 24) / 255f;
                    float luma = (LUMA_R * ((p >> 16) & 0xff) + LUMA_G * ((p >> 8) & 0xff) + LUMA_B * (p & 0xff)) / 255f;
                    grey[at + x] = alpha * luma + (1 - alpha) * paper;
                }
            };
        }
    }

    /** Samples that are levels (of {@code max}): luma, then alpha composited on the paper. */
    private record Levels(int colours, int bands, float[] max, float paper) {
        float grey(int[] samples, int s) {
            float luma = colours == 1 ? samples[s] / max[0]
                    : LUMA_R * samples[s] / max[0] + LUMA_G * samples[s + 1] / max[1] + LUMA_B * samples[s + 2] / max[2];
            float alpha = bands > colours ? samples[s + colours] / max[colours] : 1f;
            return alpha * luma + (1 - alpha) * paper;
        }

        /**
         * {@link #grey} for every 8-bit sample value of each band, computed by the same float operations in the same
         * order, so that a table look-up gives the same grey levels bit for bit: term[b][v] is band b's share of luma
         * (its level for grey), alpha[v] the alpha level.
         */
        float[][] terms() {
            float[][] term = new float[bands][];
            for (int b = 0; b < bands; b++) {
                term[b] = max[b] != 255 ? table(b, max[b]) : b >= colours || colours == 1 ? LEVELS_255 : LUMA_255[b];
            }
            return term;
        }

        private float[] table(int band, float max) {
            float[] weight = {LUMA_R, LUMA_G, LUMA_B};
            float[] t = new float[256];
            for (int v = 0; v < 256; v++) t[v] = band >= colours || colours == 1 ? v / max : weight[band] * v / max;
            return t;
        }

        /** The tables of 8-bit samples, made once: v / 255 and each colour's share of luma. */
        private static final float[] LEVELS_255 = new Levels(1, 1, new float[]{255}, WHITE_PAPER).table(0, 255);
        private static final float[][] LUMA_255 = new float[3][];

        static {
            Levels rgb = new Levels(3, 3, new float[]{255, 255, 255}, WHITE_PAPER);
            for (int b = 0; b < 3; b++) LUMA_255[b] = rgb.table(b, 255);
        }
    }

    /**
     * Rows read straight from the raster's bytes or ints, for the layouts decoders produce (TYPE_BYTE_GRAY,
     * TYPE_3BYTE_BGR, TYPE_4BYTE_ABGR, PNG's RGB(A) and grey-alpha, TYPE_INT_(A)RGB) in 8 bits a sample: a tenth of
     * the time of {@link Raster#getPixels}, which goes sample by sample through the sample model.
     */
    private static final class EightBitRows {
        /** Four bytes of a byte array as an int, the first in the lowest 8 bits. */
        private static final VarHandle LITTLE_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

        private EightBitRows() {
        }

        /** A reader for {@code raster}'s layout, or null when it is not one of those. */
        static RowReader of(Raster raster, Levels levels) {
            int bands = levels.bands();
            for (int b = 0; b < bands; b++) if (raster.getSampleModel().getSampleSize(b) != 8) return null;
            int tx = raster.getSampleModelTranslateX(), ty = raster.getSampleModelTranslateY();
            int w = raster.getWidth();
            float[][] term = levels.terms();
            int colours = levels.colours();
            float paper = levels.paper();
            if (colours != 1 && colours != 3) return null;
            DataBuffer buffer = raster.getDataBuffer();
            if (buffer.getNumBanks() != 1) return null;
            if (raster.getSampleModel() instanceof ComponentSampleModel m && buffer instanceof DataBufferByte bytes
                    && m.getNumBands() == bands) {
                for (int b = 0; b < bands; b++) if (m.getBankIndices()[b] != 0) return null;
                byte[] data = bytes.getData();
                int stride = m.getScanlineStride(), step = m.getPixelStride();
                int start = buffer.getOffset() - tx * step;
                int[] offset = m.getBandOffsets();
                // One loop per layout, its offsets in locals: the JIT keeps them in registers.
                if (colours == 1) {
                    float[] level = term[0];
                    int o = offset[0];
                    if (bands == 1) {
                        return (y, grey, at) -> {
                            int row = start + (y - ty) * stride + o;
                            for (int x = 0; x < w; x++) grey[at + x] = level[data[row + x * step] & 0xff];
                        };
                    }
                    float[] alphas = term[1];
                    int oa = offset[1];
                    return (y, grey, at) -> {
                        int row = start + (y - ty) * stride;
                        for (int x = 0, p = row; x < w; x++, p += step) {
                            float alpha = alphas[data[p + oa] & 0xff];
                            grey[at + x] = alpha * level[data[p + o] & 0xff] + (1 - alpha) * paper;
                        }
                    };
                }
                float[] r = term[0], g = term[1], bl = term[2];
                int or = offset[0], og = offset[1], ob = offset[2];
                if (bands == 3) {
                    return (y, grey, at) -> {
                        int row = start + (y - ty) * stride;
                        for (int x = 0, p = row; x < w; x++, p += step) {
                            float luma = r[data[p + or] & 0xff] + g[data[p + og] & 0xff] + bl[data[p + ob] & 0xff];
                            grey[at + x] = luma; // opaque: alpha · luma + (1 − alpha) · paper is luma
                        }
                    };
                }
                float[] alphas = term[3];
                int oa = offset[3];
                if (step == 4 && Arrays.stream(offset).allMatch(o -> o >= 0 && o < 4)) {
                    // RGBA or ABGR, a pixel per 4 bytes: read as one int, and a pixel like the one before it (paper,
                    // the inside of a stroke: most of a canvas) reuses its grey level.
                    int sr = 8 * or, sg = 8 * og, sb = 8 * ob, sa = 8 * oa;
                    return (y, grey, at) -> {
                        int row = start + (y - ty) * stride;
                        int last = 0;
                        float level = 0;
                        for (int x = 0, p = row; x < w; x++, p += 4) {
                            int pixel = (int) LITTLE_ENDIAN_INT.get(data, p);
                            if (x == 0 || pixel != last) {
                                float luma = r[(pixel >>> sr) & 0xff] + g[(pixel >>> sg) & 0xff] + bl[(pixel >>> sb) & 0xff];
                                float alpha = alphas[(pixel >>> sa) & 0xff];
                                level = alpha * luma + (1 - alpha) * paper;
                                last = pixel;
                            }
                            grey[at + x] = level;
                        }
                    };
                }
                return (y, grey, at) -> {
                    int row = start + (y - ty) * stride;
                    for (int x = 0, p = row; x < w; x++, p += step) {
                        float luma = r[data[p + or] & 0xff] + g[data[p + og] & 0xff] + bl[data[p + ob] & 0xff];
                        float alpha = alphas[data[p + oa] & 0xff];
                        grey[at + x] = alpha * luma + (1 - alpha) * paper;
                    }
                };
            }
            if (raster.getSampleModel() instanceof SinglePixelPackedSampleModel m && buffer instanceof DataBufferInt ints
                    && m.getNumBands() == bands && bands >= 3) {
                int[] data = ints.getData();
                int stride = m.getScanlineStride();
                int[] shift = m.getBitOffsets();
                int start = buffer.getOffset() - tx;
                return (y, grey, at) -> {
                    int row = start + (y - ty) * stride;
                    for (int x = 0; x < w; x++) {
                        int p = data[row + x];
                        float luma = term[0][(p >>> shift[0]) & 0xff] + term[1][(p >>> shift[1]) & 0xff]
                                + term[2][(p >>> shift[2]) & 0xff];
                        float alpha = bands > 3 ? term[3][(p >>> shift[3]) & 0xff] : 1f;
                        grey[at + x] = alpha * luma + (1 - alpha) * paper;
                    }
                };
            }
            return null;
        }
    }
}
