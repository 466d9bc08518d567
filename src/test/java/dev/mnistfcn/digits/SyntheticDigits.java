package dev.mnistfcn.digits;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;

/** A "2" drawn with a round pen by Java2D, antialiased, placed and sized at will, for the recipe's tests. */
final class SyntheticDigits {
    private SyntheticDigits() {
    }

    /**
     * A {@code width}×{@code height} picture of {@code type}, {@code paper} everywhere but a "2" of height
     * {@code size} whose box starts at ({@code left}, {@code top}), in {@code ink}.
     */
    static BufferedImage two(int width, int height, double left, double top, double size, Color paper, Color ink, int type) {
        return two(width, height, left, top, size, paper, ink, type, (float) (0.12 * size));
    }

    /** The same "2" with a pen {@code pen} pixels wide. */
    static BufferedImage two(int width, int height, double left, double top, double size, Color paper, Color ink, int type,
                             float pen) {
        var picture = new BufferedImage(width, height, type);
        Graphics2D g = picture.createGraphics();
        g.setComposite(java.awt.AlphaComposite.Src); // a transparent paper stays transparent
        g.setColor(paper);
        g.fillRect(0, 0, width, height);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(ink);
        g.setStroke(new BasicStroke(pen, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        // Inside the pen's reach of the box, so that the ink's box is (left, top, ~0.7·size, size).
        double s = size - pen;
        double x = left + pen / 2;
        double y = top + pen / 2;
        var path = new Path2D.Double();
        path.moveTo(x + 0.05 * s, y + 0.25 * s);
        path.curveTo(x + 0.1 * s, y - 0.05 * s, x + 0.6 * s, y - 0.05 * s, x + 0.62 * s, y + 0.28 * s);
        path.curveTo(x + 0.62 * s, y + 0.5 * s, x + 0.2 * s, y + 0.75 * s, x, y + s);
        path.lineTo(x + 0.65 * s, y + s);
        g.draw(path);
        g.dispose();
        return picture;
    }

    /** White on black, 200×200, the "2" 120 high: the form the others are compared with. */
    static BufferedImage reference() {
        return two(200, 200, 40, 30, 120, Color.BLACK, Color.WHITE, BufferedImage.TYPE_INT_RGB);
    }

    /** Black on white, same place and size as {@link #reference()}. */
    static BufferedImage darkOnLight() {
        return two(200, 200, 40, 30, 120, Color.WHITE, Color.BLACK, BufferedImage.TYPE_INT_RGB);
    }

    /** The mean absolute difference per pixel of two 784-pixel images. */
    static double difference(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
        return sum / a.length;
    }
}
