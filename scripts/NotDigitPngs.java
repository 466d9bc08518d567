import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.CubicCurve2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The held-out "not a digit" pictures: 160 PNGs that hold no digit, as a new user would try them (letters, symbols,
 * scribbles, noise fields, grids, smileys, shapes), dark on light paper at 120–320 px. Only the Liberation fonts are
 * used here; the made negatives that train and calibrate the check (dev.mnistfcn.notadigit.MadeNegatives) use the
 * DejaVu fonts and other drawing code, so that these pictures test it on things it never saw.
 *
 * <pre>  java scripts/NotDigitPngs.java src/test/resources/dev/mnistfcn/notadigit/not-digits</pre>
 * Same seed, same fonts, same JDK: the same pictures (KIND-NNN.png).
 */
public class NotDigitPngs {
    static final String FONTS = "/usr/share/fonts/truetype/liberation/";
    static final String[] FACES = {"LiberationSans-Regular", "LiberationSans-Bold", "LiberationSans-Italic",
            "LiberationSerif-Regular", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationMono-Regular",
            "LiberationMono-Bold", "LiberationSansNarrow-Regular", "LiberationSansNarrow-Bold"};
    static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static final String[] SYMBOLS = {"@", "#", "&", "%", "?", "+", "*", "=", "ok", "hi", "abc", "Hm"};

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "not-digits");
        Files.createDirectories(out);
        Random rnd = new Random(20261205);
        int n = 0;
        for (int i = 0; i < 52; i++) save(out, "letter", n++, text(rnd, String.valueOf(LETTERS.charAt(rnd.nextInt(LETTERS.length()))), rnd));
        for (int i = 0; i < 12; i++) save(out, "symbol", n++, text(rnd, SYMBOLS[i], rnd));
        for (int i = 0; i < 28; i++) save(out, "scribble", n++, scribble(rnd));
        for (int i = 0; i < 20; i++) save(out, "noise", n++, noise(rnd, i % 4));
        for (int i = 0; i < 16; i++) save(out, "grid", n++, grid(rnd, i % 4));
        for (int i = 0; i < 16; i++) save(out, "smiley", n++, smiley(rnd));
        for (int i = 0; i < 16; i++) save(out, "shape", n++, shape(rnd, i % 8));
        System.out.println(n + " pictures in " + out);
    }

    static void save(Path out, String kind, int n, BufferedImage picture) throws Exception {
        ImageIO.write(picture, "png", new File(out.toFile(), String.format("%s-%03d.png", kind, n)));
    }

    /** Light paper, a little uneven; ink colour dark grey, blue or black. */
    static Graphics2D paper(BufferedImage b, Random rnd) {
        Graphics2D g = b.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        int p = 225 + rnd.nextInt(31);
        g.setColor(new Color(p, p, Math.max(180, p - rnd.nextInt(30))));
        g.fillRect(0, 0, b.getWidth(), b.getHeight());
        Color[] inks = {new Color(20, 20, 20), new Color(25, 40, 150), new Color(60, 60, 60), Color.BLACK};
        g.setColor(inks[rnd.nextInt(inks.length)]);
        return g;
    }

    static BufferedImage canvas(Random rnd) {
        return new BufferedImage(120 + rnd.nextInt(200), 120 + rnd.nextInt(160), BufferedImage.TYPE_INT_RGB);
    }

    static BufferedImage text(Random rnd, String s, Random r2) throws Exception {
        BufferedImage b = canvas(rnd);
        Graphics2D g = paper(b, rnd);
        Font font = Font.createFont(Font.TRUETYPE_FONT, new File(FONTS + FACES[rnd.nextInt(FACES.length)] + ".ttf"));
        int side = Math.min(b.getWidth(), b.getHeight());
        font = font.deriveFont((float) (side * (0.45 + 0.35 * rnd.nextDouble())));
        g.setFont(font);
        var metrics = g.getFontMetrics();
        int w = metrics.stringWidth(s);
        double angle = Math.toRadians(-15 + 30 * rnd.nextDouble());
        g.rotate(angle, b.getWidth() / 2.0, b.getHeight() / 2.0);
        g.drawString(s, (b.getWidth() - w) / 2 + rnd.nextInt(11) - 5,
                (b.getHeight() + metrics.getAscent() - metrics.getDescent()) / 2 + rnd.nextInt(11) - 5);
        g.dispose();
        return b;
    }

    static BasicStroke pen(Random rnd, int side) {
        return new BasicStroke((float) (side * (0.02 + 0.06 * rnd.nextDouble())), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    }

    /** 2–5 joined Bézier curves anywhere in the middle of the picture. */
    static BufferedImage scribble(Random rnd) {
        BufferedImage b = canvas(rnd);
        Graphics2D g = paper(b, rnd);
        int w = b.getWidth(), h = b.getHeight();
        g.setStroke(pen(rnd, Math.min(w, h)));
        double x = w * (0.2 + 0.6 * rnd.nextDouble()), y = h * (0.2 + 0.6 * rnd.nextDouble());
        int segments = 2 + rnd.nextInt(4);
        for (int s = 0; s < segments; s++) {
            double x3 = w * (0.1 + 0.8 * rnd.nextDouble()), y3 = h * (0.1 + 0.8 * rnd.nextDouble());
            g.draw(new CubicCurve2D.Double(x, y, w * rnd.nextDouble(), h * rnd.nextDouble(), w * rnd.nextDouble(),
                    h * rnd.nextDouble(), x3, y3));
            x = x3;
            y = y3;
        }
        g.dispose();
        return b;
    }

    /** 0: uniform noise, 1: grey with Gaussian noise, 2: salt and pepper, 3: smooth blotches. */
    static BufferedImage noise(Random rnd, int kind) {
        int w = 96 + rnd.nextInt(96), h = 96 + rnd.nextInt(64);
        BufferedImage b = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        float[] field = new float[w * h];
        if (kind == 3) {
            for (int k = 0; k < 6; k++) {
                double cx = w * rnd.nextDouble(), cy = h * rnd.nextDouble(), r = 8 + 30 * rnd.nextDouble(), a = rnd.nextDouble();
                for (int i = 0; i < field.length; i++) {
                    double d = Math.hypot(i % w - cx, i / w - cy) / r;
                    field[i] += (float) (a * Math.exp(-d * d));
                }
            }
        }
        double grey = 0.3 + 0.4 * rnd.nextDouble();
        for (int i = 0; i < field.length; i++) {
            double v = switch (kind) {
                case 0 -> rnd.nextDouble();
                case 1 -> grey + 0.2 * rnd.nextGaussian();
                case 2 -> rnd.nextDouble() < 0.1 ? 0 : rnd.nextDouble() < 0.1 ? 1 : 0.85;
                default -> 0.9 - field[i];
            };
            b.getRaster().setSample(i % w, i / w, 0, (int) Math.round(255 * Math.min(1, Math.max(0, v))));
        }
        return b;
    }

    /** 0: lines, 1: checkerboard, 2: diagonal hatching, 3: dots. */
    static BufferedImage grid(Random rnd, int kind) {
        BufferedImage b = canvas(rnd);
        Graphics2D g = paper(b, rnd);
        int w = b.getWidth(), h = b.getHeight(), step = 10 + rnd.nextInt(25);
        g.setStroke(new BasicStroke(1 + rnd.nextInt(4)));
        for (int x = step / 2; x < w; x += step) {
            for (int y = step / 2; y < h; y += step) {
                switch (kind) {
                    case 0 -> { g.drawLine(x, 0, x, h); g.drawLine(0, y, w, y); }
                    case 1 -> { if ((x / step + y / step) % 2 == 0) g.fillRect(x, y, step, step); }
                    case 2 -> g.drawLine(x, y, x + step, y + step);
                    default -> g.fill(new Ellipse2D.Double(x - 2, y - 2, 2 + step / 5.0, 2 + step / 5.0));
                }
            }
        }
        g.dispose();
        return b;
    }

    static BufferedImage smiley(Random rnd) {
        BufferedImage b = canvas(rnd);
        Graphics2D g = paper(b, rnd);
        int side = Math.min(b.getWidth(), b.getHeight());
        double r = side * (0.3 + 0.15 * rnd.nextDouble()), cx = b.getWidth() / 2.0, cy = b.getHeight() / 2.0;
        g.setStroke(pen(rnd, side));
        if (rnd.nextInt(4) > 0) g.draw(new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r));
        double eye = r * (0.08 + 0.08 * rnd.nextDouble());
        for (int s = -1; s <= 1; s += 2) {
            var e = new Ellipse2D.Double(cx + s * r * 0.38 - eye, cy - r * 0.3 - eye, 2 * eye, 2 * eye);
            if (rnd.nextBoolean()) g.fill(e); else g.draw(e);
        }
        boolean frown = rnd.nextInt(4) == 0;
        int start = frown ? 20 : 200;
        g.drawArc((int) (cx - r * 0.55), (int) (cy - r * (frown ? -0.2 : 0.35)), (int) (r * 1.1), (int) (r * 0.9), start, 140);
        g.dispose();
        return b;
    }

    /** 0 star, 1 triangle, 2 square, 3 heart, 4 arrow, 5 circled cross, 6 spiral, 7 wavy line. */
    static BufferedImage shape(Random rnd, int kind) {
        BufferedImage b = canvas(rnd);
        Graphics2D g = paper(b, rnd);
        int side = Math.min(b.getWidth(), b.getHeight());
        double r = side * (0.25 + 0.15 * rnd.nextDouble()), cx = b.getWidth() / 2.0, cy = b.getHeight() / 2.0;
        g.setStroke(pen(rnd, side));
        Path2D p = new Path2D.Double();
        switch (kind) {
            case 0 -> { for (int k = 0; k < 10; k++) { double a = Math.PI * k / 5 - Math.PI / 2, q = k % 2 == 0 ? r : r * 0.4;
                if (k == 0) p.moveTo(cx + q * Math.cos(a), cy + q * Math.sin(a)); else p.lineTo(cx + q * Math.cos(a), cy + q * Math.sin(a)); }
                p.closePath(); }
            case 1 -> { p.moveTo(cx, cy - r); p.lineTo(cx + r, cy + r * 0.8); p.lineTo(cx - r, cy + r * 0.8); p.closePath(); }
            case 2 -> { p.moveTo(cx - r, cy - r); p.lineTo(cx + r, cy - r); p.lineTo(cx + r, cy + r); p.lineTo(cx - r, cy + r); p.closePath(); }
            case 3 -> { p.moveTo(cx, cy + r); p.curveTo(cx - 1.6 * r, cy - 0.2 * r, cx - 0.6 * r, cy - 1.3 * r, cx, cy - 0.4 * r);
                p.curveTo(cx + 0.6 * r, cy - 1.3 * r, cx + 1.6 * r, cy - 0.2 * r, cx, cy + r); }
            case 4 -> { p.moveTo(cx - r, cy); p.lineTo(cx + r, cy); p.moveTo(cx + 0.5 * r, cy - 0.5 * r); p.lineTo(cx + r, cy); p.lineTo(cx + 0.5 * r, cy + 0.5 * r); }
            case 5 -> { p.append(new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r), false); p.moveTo(cx - 0.7 * r, cy - 0.7 * r);
                p.lineTo(cx + 0.7 * r, cy + 0.7 * r); p.moveTo(cx + 0.7 * r, cy - 0.7 * r); p.lineTo(cx - 0.7 * r, cy + 0.7 * r); }
            case 6 -> { for (int k = 0; k <= 80; k++) { double a = k * 0.25, q = r * k / 80.0;
                if (k == 0) p.moveTo(cx, cy); else p.lineTo(cx + q * Math.cos(a), cy + q * Math.sin(a)); } }
            default -> { for (int k = 0; k <= 60; k++) { double x = cx - r + 2 * r * k / 60.0, y = cy + 0.3 * r * Math.sin(k * 0.4);
                if (k == 0) p.moveTo(x, y); else p.lineTo(x, y); } }
        }
        if (kind < 4 && rnd.nextInt(3) == 0) g.fill(p); else g.draw(p);
        g.dispose();
        return b;
    }
}
