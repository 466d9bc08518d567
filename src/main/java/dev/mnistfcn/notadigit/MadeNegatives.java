package dev.mnistfcn.notadigit;

import dev.mnistfcn.digits.MnistRecipe;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Pictures that hold no digit, made to train and calibrate the check: letters and symbols in the DejaVu fonts
 * (the held-out test pictures use the Liberation fonts and their own drawing code), random pen strokes, line
 * grids, noise and polygons, each drawn as people's pictures are (dark on light paper, any size) and put through
 * {@link MnistRecipe}, so that the check learns what the model is given. Fashion-MNIST items are added by the caller.
 *
 * <p>Letters that are written like digits (O o I l S s Z z B b g q) are left out: taught as "not a digit", they
 * would teach the check to refuse 0, 1, 5, 2, 8, 6 and 9.
 */
public final class MadeNegatives {
    static final Path DEJAVU = Path.of("/usr/share/fonts/truetype/dejavu");
    static final String[] FACES = {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSansCondensed",
            "DejaVuSansCondensed-Bold", "DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic", "DejaVuSansMono",
            "DejaVuSansMono-Bold", "DejaVuSerifCondensed", "DejaVuSans-ExtraLight"};
    static final String LETTERS = "ACDEFHJKLMNPQRTUVWXYacdefhjkmnprtuvwxy";
    static final String[] SYMBOLS = {"@", "#", "&", "%", "?", "!", "+", "*", "=", "^", "<", ">", "~", "{", "}", "/",
            "ax", "nu", "Hi", "xy", "Ax", "cat", "#?", "::"};

    /** The kinds, in the order {@link #make} cycles through them. */
    public enum Kind { LETTER, SYMBOL, STROKES, GRID, NOISE, POLYGON, ARCS, CURVE, WORD }

    /** The first recipe's kinds, in turn (letters twice: the hardest to tell from a digit); measured apart. */
    static final Kind[] FIRST_KINDS = {Kind.LETTER, Kind.STROKES, Kind.GRID, Kind.LETTER, Kind.SYMBOL, Kind.NOISE,
            Kind.POLYGON};
    /** The kinds {@link #make} takes in turn: the first ones, then arcs, curves and words. */
    static final Kind[] KINDS = {Kind.LETTER, Kind.STROKES, Kind.GRID, Kind.LETTER, Kind.SYMBOL, Kind.NOISE,
            Kind.POLYGON, Kind.ARCS, Kind.CURVE, Kind.WORD};

    private final List<Font> fonts = new ArrayList<>();

    /** Reads the DejaVu fonts that are installed (Debian's fonts-dejavu-core; none found: no letters or symbols). */
    public MadeNegatives() {
        for (String face : FACES) {
            Path file = DEJAVU.resolve(face + ".ttf");
            if (!Files.isReadable(file)) continue;
            try {
                fonts.add(Font.createFont(Font.TRUETYPE_FONT, file.toFile()));
            } catch (FontFormatException | IOException e) {
                // a damaged font file: the others still draw
            }
        }
    }

    /** The fonts found. */
    public int fonts() {
        return fonts.size();
    }

    /** {@code count} made negatives as the model sees them (784 pixels each), drawn from {@code seed}. */
    public List<float[]> make(int count, long seed) {
        return make(count, seed, KINDS);
    }

    /** {@code count} made negatives of {@code kinds}, taken in turn. */
    public List<float[]> make(int count, long seed, Kind[] kinds) {
        Random rnd = new Random(seed);
        List<float[]> out = new ArrayList<>(count);
        for (int i = 0; out.size() < count && i < 4 * count; i++) {
            Kind kind = kinds[i % kinds.length];
            if (fonts.isEmpty() && (kind == Kind.LETTER || kind == Kind.SYMBOL)) continue;
            MnistRecipe.prepare(draw(kind, rnd)).ifPresent(out::add);
        }
        return out;
    }

    /** One picture of {@code kind}. */
    public BufferedImage draw(Kind kind, Random rnd) {
        if (kind == Kind.NOISE && rnd.nextInt(4) == 0) return fullFrameNoise(rnd);
        int w = 64 + rnd.nextInt(128), h = 64 + rnd.nextInt(128);
        var picture = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = picture.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        int paper = 200 + rnd.nextInt(56);
        g.setColor(new Color(paper, paper, paper));
        g.fillRect(0, 0, w, h);
        int ink = rnd.nextInt(90);
        g.setColor(new Color(ink, ink, ink));
        int side = Math.min(w, h);
        switch (kind) {
            case LETTER -> text(g, letter(rnd) + (rnd.nextInt(4) == 0 ? letter(rnd) : ""), w, h, rnd);
            case SYMBOL -> text(g, SYMBOLS[rnd.nextInt(SYMBOLS.length)], w, h, rnd);
            case STROKES -> strokes(g, w, h, side, rnd);
            case GRID -> grid(g, w, h, rnd);
            case NOISE -> noise(picture, paper, ink, rnd);
            case POLYGON -> polygon(g, w, h, side, rnd);
            case ARCS -> arcs(g, w, h, side, rnd);
            case CURVE -> curve(g, w, h, side, rnd);
            case WORD -> text(g, word(rnd), w, h, rnd);
        }
        g.dispose();
        return picture;
    }

    private static String letter(Random rnd) {
        return String.valueOf(LETTERS.charAt(rnd.nextInt(LETTERS.length())));
    }

    /** Three to five letters (none written like a digit), smaller: a word is wider than a digit. */
    private static String word(Random rnd) {
        StringBuilder s = new StringBuilder();
        for (int n = 3 + rnd.nextInt(3); n > 0; n--) s.append(letter(rnd));
        return s.toString();
    }

    private void text(Graphics2D g, String s, int w, int h, Random rnd) {
        Font font = fonts.get(rnd.nextInt(fonts.size()));
        g.setFont(font.deriveFont((float) (Math.min(w, h) * (0.4 + 0.5 * rnd.nextDouble()))));
        var m = g.getFontMetrics();
        g.rotate(Math.toRadians(-20 + 40 * rnd.nextDouble()), w / 2.0, h / 2.0);
        g.drawString(s, (w - m.stringWidth(s)) / 2 + rnd.nextInt(9) - 4, (h + m.getAscent() - m.getDescent()) / 2);
    }

    /** One to three pen strokes, each a random walk that turns gradually. */
    private static void strokes(Graphics2D g, int w, int h, int side, Random rnd) {
        g.setStroke(new BasicStroke((float) (side * (0.03 + 0.08 * rnd.nextDouble())), BasicStroke.CAP_ROUND,
                BasicStroke.JOIN_ROUND));
        for (int s = 1 + rnd.nextInt(3); s > 0; s--) {
            Path2D p = new Path2D.Double();
            double x = w * (0.2 + 0.6 * rnd.nextDouble()), y = h * (0.2 + 0.6 * rnd.nextDouble());
            double heading = 2 * Math.PI * rnd.nextDouble(), turn = 0, step = side * 0.04;
            p.moveTo(x, y);
            for (int k = 10 + rnd.nextInt(50); k > 0; k--) {
                turn = 0.8 * turn + 0.35 * rnd.nextGaussian();
                heading += turn;
                x = Math.max(0, Math.min(w, x + step * Math.cos(heading)));
                y = Math.max(0, Math.min(h, y + step * Math.sin(heading)));
                p.lineTo(x, y);
            }
            g.draw(p);
        }
    }

    private static void grid(Graphics2D g, int w, int h, Random rnd) {
        g.setStroke(new BasicStroke(1 + rnd.nextInt(5)));
        g.rotate(rnd.nextInt(3) == 0 ? Math.toRadians(90 * rnd.nextDouble()) : 0, w / 2.0, h / 2.0);
        int step = 6 + rnd.nextInt(30);
        boolean across = rnd.nextBoolean(), down = !across || rnd.nextBoolean();
        for (int v = -2 * Math.max(w, h); v < 3 * Math.max(w, h); v += step) {
            if (down) g.drawLine(v, -2 * h, v, 3 * h);
            if (across) g.drawLine(-2 * w, v, 3 * w, v);
        }
    }

    /**
     * Every pixel of a picture of 28 to 400 px at random over most of 0-255, or as a colour picture's grey (the mean of
     * three), which the recipe turns into blobs of blocks no other kind looks like (it finds ink everywhere and widens
     * what it measures as thin strokes). A reviewer's 280×280 noise PNG was answered as a digit at 99.9% when the
     * noise below was all there was; a quarter of the noise kind only partly teaches it (docs/not-a-digit.md).
     */
    private static BufferedImage fullFrameNoise(Random rnd) {
        int w = 28 + rnd.nextInt(373), h = 28 + rnd.nextInt(373), lo = rnd.nextInt(60), hi = 196 + rnd.nextInt(60);
        boolean colour = rnd.nextBoolean();
        var picture = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        var raster = picture.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = colour ? (3 * lo + rnd.nextInt(hi - lo + 1) + rnd.nextInt(hi - lo + 1) + rnd.nextInt(hi - lo + 1)) / 3
                        : lo + rnd.nextInt(hi - lo + 1);
                raster.setSample(x, y, 0, v);
            }
        }
        return picture;
    }

    /** Uniform, Gaussian or sparse noise over the picture or a part of it. */
    private static void noise(BufferedImage picture, int paper, int ink, Random rnd) {
        int w = picture.getWidth(), h = picture.getHeight();
        int x0 = rnd.nextBoolean() ? 0 : rnd.nextInt(w / 2), y0 = rnd.nextBoolean() ? 0 : rnd.nextInt(h / 2);
        int style = rnd.nextInt(3);
        double density = 0.05 + 0.5 * rnd.nextDouble();
        for (int y = y0; y < h; y++) {
            for (int x = x0; x < w; x++) {
                double v = switch (style) {
                    case 0 -> ink + (paper - ink) * rnd.nextDouble();
                    case 1 -> (paper + ink) / 2.0 + (paper - ink) * 0.3 * rnd.nextGaussian();
                    default -> rnd.nextDouble() < density ? ink : paper;
                };
                picture.getRaster().setSample(x, y, 0, (int) Math.max(0, Math.min(255, v)));
            }
        }
    }

    /** Two to four open arcs of circles or ellipses, each 60°–300° of its turn, anywhere in the picture. */
    private static void arcs(Graphics2D g, int w, int h, int side, Random rnd) {
        g.setStroke(new BasicStroke((float) (side * (0.03 + 0.07 * rnd.nextDouble())), BasicStroke.CAP_ROUND,
                BasicStroke.JOIN_ROUND));
        for (int a = 2 + rnd.nextInt(3); a > 0; a--) {
            double rw = side * (0.1 + 0.35 * rnd.nextDouble()), rh = rnd.nextBoolean() ? rw : side * (0.1 + 0.35 * rnd.nextDouble());
            double cx = w * (0.15 + 0.7 * rnd.nextDouble()), cy = h * (0.15 + 0.7 * rnd.nextDouble());
            g.draw(new Arc2D.Double(cx - rw, cy - rh, 2 * rw, 2 * rh, 360 * rnd.nextDouble(), 60 + 240 * rnd.nextDouble(),
                    Arc2D.OPEN));
        }
    }

    /**
     * A closed curve of a parametric family: a Lissajous figure (frequencies 2–5, never 1:2, which is an 8) or a
     * rose (3–7 petals), stretched and turned at random.
     */
    private static void curve(Graphics2D g, int w, int h, int side, Random rnd) {
        g.setStroke(new BasicStroke((float) (side * (0.02 + 0.05 * rnd.nextDouble())), BasicStroke.CAP_ROUND,
                BasicStroke.JOIN_ROUND));
        boolean rose = rnd.nextBoolean();
        int a = 2 + rnd.nextInt(4), b = a + 1 + rnd.nextInt(3);
        int petals = 3 + rnd.nextInt(5);
        double phase = Math.PI * rnd.nextDouble(), sx = w * (0.3 + 0.15 * rnd.nextDouble()), sy = h * (0.3 + 0.15 * rnd.nextDouble());
        g.rotate(2 * Math.PI * rnd.nextDouble(), w / 2.0, h / 2.0);
        Path2D p = new Path2D.Double();
        for (int k = 0; k <= 400; k++) {
            double t = 2 * Math.PI * k / 400, x, y;
            if (rose) {
                double r = Math.cos(petals * t);
                x = r * Math.cos(t);
                y = r * Math.sin(t);
            } else {
                x = Math.sin(a * t + phase);
                y = Math.sin(b * t);
            }
            if (k == 0) p.moveTo(w / 2.0 + sx * x, h / 2.0 + sy * y); else p.lineTo(w / 2.0 + sx * x, h / 2.0 + sy * y);
        }
        g.draw(p);
    }

    private static void polygon(Graphics2D g, int w, int h, int side, Random rnd) {
        Path2D p = new Path2D.Double();
        int corners = 3 + rnd.nextInt(5);
        for (int k = 0; k < corners; k++) {
            double x = w * (0.1 + 0.8 * rnd.nextDouble()), y = h * (0.1 + 0.8 * rnd.nextDouble());
            if (k == 0) p.moveTo(x, y); else p.lineTo(x, y);
        }
        p.closePath();
        g.setStroke(new BasicStroke((float) (side * (0.02 + 0.06 * rnd.nextDouble()))));
        if (rnd.nextInt(3) == 0) g.fill(p); else g.draw(p);
    }

    /**
     * A 28×28 image in MNIST's form (784 values, white on black: a Fashion-MNIST item, an MNIST digit) as a person's
     * picture, dark on light and ×{@code zoom} with blocky pixels, put back through {@link MnistRecipe}: what the
     * model is given for such a picture, which is close to the image but not the same.
     */
    public static Optional<float[]> throughRecipe(float[] pixels, int zoom) {
        int side = 28 * zoom;
        var picture = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                picture.getRaster().setSample(x, y, 0, Math.round(255 * (1 - pixels[(y / zoom) * 28 + x / zoom])));
            }
        }
        return MnistRecipe.prepare(picture);
    }
}
