package dev.mnistfcn.digits;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * MNIST test digits rewritten with another pen and hand, as people's pictures: the digit's own stroke, blown up
 * ×6–×10, slanted (shear of −0.35…0.35), redrawn with a thinner or thicker pen (the stroke eroded or dilated), some
 * strokes broken (one to three gaps where the pen lifted), edges softened, then dark ink on light paper with noise,
 * as PNG or JPEG. Together with {@link UserPictures} these make the "people's pictures" set (docs/not-a-digit.md).
 */
public final class HandwrittenDigits {
    /** How the digit was rewritten. */
    public enum Pen { THIN_SLANTED, THICK_MARKER, BROKEN_STROKES, MIXED,
        /** A ballpoint on a large picture: the stroke's centre line, 1 to 5 pixels wide on a 224-392 pixel digit. */
        BALLPOINT }

    private HandwrittenDigits() {
    }

    /** The file bytes for {@code mnist} (784 values 0..1, ink 1) rewritten with {@code pen}; {@code seed} varies it. */
    public static byte[] draw(float[] mnist, Pen pen, long seed) {
        Random rnd = new Random(seed);
        int zoom = pen == Pen.BALLPOINT ? 8 + rnd.nextInt(7) : 6 + rnd.nextInt(5);
        int side = 28 * zoom;
        double shear = pen == Pen.THICK_MARKER ? -0.15 + 0.3 * rnd.nextDouble() : -0.35 + 0.7 * rnd.nextDouble();
        boolean[] ink = blownUp(mnist, zoom, shear);
        int grow = switch (pen) {
            case THIN_SLANTED -> -(zoom / 4);                  // a fine pen: strokes lose a quarter of a pixel a side
            case THICK_MARKER -> zoom / 2 + rnd.nextInt(zoom / 2 + 1);
            case BROKEN_STROKES -> 0;
            case MIXED -> -zoom / 4 + rnd.nextInt(zoom / 2 + 1);
            case BALLPOINT -> rnd.nextInt(3);                  // around the centre line: 1, 3 or 5 pixels wide
        };
        if (pen == Pen.BALLPOINT) ink = centreLine(ink, side);
        ink = grow >= 0 ? dilate(ink, side, grow) : erode(ink, side, -grow);
        if (pen == Pen.BROKEN_STROKES || pen == Pen.MIXED) {
            for (int gaps = 1 + rnd.nextInt(pen == Pen.MIXED ? 2 : 3); gaps > 0; gaps--) gap(ink, side, zoom, rnd);
        }
        float[] soft = blur(ink, side);
        int width = side + (int) (side * 0.4 * rnd.nextDouble()), height = side + (int) (side * 0.3 * rnd.nextDouble());
        int left = rnd.nextInt(width - side + 1), top = rnd.nextInt(height - side + 1);
        var picture = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        float paper = 0.85f + 0.15f * rnd.nextFloat(), penLevel = 0.05f + 0.3f * rnd.nextFloat();
        float blue = rnd.nextBoolean() ? 0.35f : 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int ix = x - left, iy = y - top;
                float v = ix >= 0 && iy >= 0 && ix < side && iy < side ? soft[iy * side + ix] : 0;
                double n = 0.03 * rnd.nextGaussian();
                int r = level(paper + (penLevel - paper) * v + n), b = level(paper + (penLevel + blue - paper) * v + n);
                picture.setRGB(x, y, r << 16 | r << 8 | b);
            }
        }
        return rnd.nextBoolean() ? UserPictures.png(picture) : UserPictures.jpeg(picture, 0.8f);
    }

    /**
     * {@code line} (a centre line on a square of {@code side}) drawn with a round pen of radius {@code r}, dark grey
     * on light grey paper with a 20 px margin: one digit written with pens of many widths (PenWidthStudy). The disc is
     * stamped on each pixel of the line only, where {@link #dilate} searches a disc around every pixel of the picture.
     */
    public static BufferedImage withPen(boolean[] line, int side, int r) {
        boolean[] ink = new boolean[line.length];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                if (!line[y * side + x]) continue;
                for (int dy = Math.max(-r, -y); dy <= Math.min(r, side - 1 - y); dy++) {
                    for (int dx = Math.max(-r, -x); dx <= Math.min(r, side - 1 - x); dx++) {
                        if (dx * dx + dy * dy <= r * r) ink[(y + dy) * side + x + dx] = true;
                    }
                }
            }
        }
        int margin = 20;
        var picture = new BufferedImage(side + 2 * margin, side + 2 * margin, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < picture.getHeight(); y++) {
            for (int x = 0; x < picture.getWidth(); x++) {
                int ix = x - margin, iy = y - margin;
                int g = ix >= 0 && iy >= 0 && ix < side && iy < side && ink[iy * side + ix] ? 40 : 235;
                picture.setRGB(x, y, g << 16 | g << 8 | g);
            }
        }
        return picture;
    }

    /**
     * The digit written with a medium pen as PNG bytes: its centre line on a 336 px digit (×12) with a pen of 9 to 19 px
     * ({@code n} picks it), 0.9 to 1.8 pixels of the 20×20 box, between a ballpoint and MNIST's strokes.
     */
    public static byte[] mediumPen(float[] mnist, int n) {
        return UserPictures.png(withPen(centreLine(mnist, 12), 28 * 12, 4 + n % 6));
    }

    /** The digit's centre line at {@code zoom} times MNIST's size (unslanted), for {@link #withPen}. */
    public static boolean[] centreLine(float[] mnist, int zoom) {
        return centreLine(blownUp(mnist, zoom, 0), 28 * zoom);
    }

    /** The digit's ink (MNIST's pixels over half-way), {@code zoom} times larger and slanted by {@code shear}. */
    static boolean[] blownUp(float[] mnist, int zoom, double shear) {
        int side = 28 * zoom;
        boolean[] ink = new boolean[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                // slant: a row further down is shifted left or right in proportion to its height above the middle
                double sx = (x + shear * (y - side / 2.0)) / zoom, sy = (double) y / zoom;
                ink[y * side + x] = bilinear(mnist, sx, sy) > 0.5f;
            }
        }
        return ink;
    }

    private static int level(double v) {
        return (int) Math.round(255 * Math.min(1, Math.max(0, v)));
    }

    /** Lifts the pen for about a pixel and a half of the digit's size, at an ink pixel picked at random. */
    private static void gap(boolean[] ink, int side, int zoom, Random rnd) {
        int at = -1;
        for (int tries = 0; tries < 1000 && at < 0; tries++) {
            int i = rnd.nextInt(ink.length);
            if (ink[i]) at = i;
        }
        if (at < 0) return;
        int cx = at % side, cy = at / side, r = (int) (0.8 * zoom);
        for (int y = Math.max(0, cy - r); y < Math.min(side, cy + r); y++) {
            for (int x = Math.max(0, cx - r); x < Math.min(side, cx + r); x++) {
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) ink[y * side + x] = false;
            }
        }
    }

    /** The strokes thinned to their one-pixel centre lines (Zhang and Suen's thinning, CACM 1984). */
    static boolean[] centreLine(boolean[] ink, int side) {
        boolean[] out = ink.clone();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int pass = 0; pass < 2; pass++) {
                List<Integer> remove = new ArrayList<>();
                for (int y = 1; y < side - 1; y++) {
                    for (int x = 1; x < side - 1; x++) {
                        if (!out[y * side + x]) continue;
                        // the 8 neighbours clockwise from north: p2 … p9
                        boolean[] p = {out[(y - 1) * side + x], out[(y - 1) * side + x + 1], out[y * side + x + 1],
                                out[(y + 1) * side + x + 1], out[(y + 1) * side + x], out[(y + 1) * side + x - 1],
                                out[y * side + x - 1], out[(y - 1) * side + x - 1]};
                        int on = 0, rises = 0;
                        for (int i = 0; i < 8; i++) {
                            if (p[i]) on++;
                            if (!p[i] && p[(i + 1) % 8]) rises++;
                        }
                        // the first pass peels south-east edges and north-west corners, the second the opposite ones
                        boolean edge = pass == 0 ? !(p[0] && p[2] && p[4]) && !(p[2] && p[4] && p[6])
                                : !(p[0] && p[2] && p[6]) && !(p[0] && p[4] && p[6]);
                        if (on >= 2 && on <= 6 && rises == 1 && edge) remove.add(y * side + x);
                    }
                }
                for (int i : remove) out[i] = false;
                changed |= !remove.isEmpty();
            }
        }
        return out;
    }

    private static boolean[] dilate(boolean[] ink, int side, int r) {
        return morph(ink, side, r, true);
    }

    private static boolean[] erode(boolean[] ink, int side, int r) {
        return morph(ink, side, r, false);
    }

    /** Every pixel within {@code r} (a disc) of ink becomes ink (dilate), or of paper becomes paper (erode). */
    private static boolean[] morph(boolean[] ink, int side, int r, boolean dilate) {
        if (r == 0) return ink;
        boolean[] out = new boolean[ink.length];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                boolean any = !dilate;
                for (int dy = -r; dy <= r && any != dilate; dy++) {
                    for (int dx = -r; dx <= r && any != dilate; dx++) {
                        if (dx * dx + dy * dy > r * r) continue;
                        int xx = x + dx, yy = y + dy;
                        boolean v = xx >= 0 && yy >= 0 && xx < side && yy < side && ink[yy * side + xx];
                        if (v == dilate) any = dilate;
                    }
                }
                out[y * side + x] = any;
            }
        }
        return out;
    }

    private static float[] blur(boolean[] ink, int side) {
        float[] out = new float[ink.length];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int n = 0, on = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int xx = x + dx, yy = y + dy;
                        if (xx < 0 || yy < 0 || xx >= side || yy >= side) continue;
                        n++;
                        if (ink[yy * side + xx]) on++;
                    }
                }
                out[y * side + x] = (float) on / n;
            }
        }
        return out;
    }

    private static float bilinear(float[] mnist, double fx, double fy) {
        double x = fx - 0.5, y = fy - 0.5;
        int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
        double ax = x - x0, ay = y - y0;
        return (float) ((1 - ay) * ((1 - ax) * px(mnist, x0, y0) + ax * px(mnist, x0 + 1, y0))
                + ay * ((1 - ax) * px(mnist, x0, y0 + 1) + ax * px(mnist, x0 + 1, y0 + 1)));
    }

    private static float px(float[] mnist, int x, int y) {
        return x < 0 || y < 0 || x >= 28 || y >= 28 ? 0 : mnist[y * 28 + x];
    }
}
