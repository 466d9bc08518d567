package dev.mnistfcn.digits;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

/**
 * MNIST test digits redrawn as the pictures people give: dark ink on light paper, blown up ×4–×12 with smooth
 * edges, off-centre on a non-square canvas, with sensor noise and specks, saved as PNG, JPEG or a canvas export with
 * a transparent background.
 */
public final class UserPictures {
    public enum Kind {
        /** Grey pencil on grey paper, noise and three specks, greyscale PNG. */
        NOISY_GREY_PNG("png"),
        /** Blue pen on white, JPEG at quality 0.7. */
        BLUE_PEN_JPEG("jpg"),
        /** Black strokes on a transparent background, as a drawing canvas exports them (RGBA PNG). */
        TRANSPARENT_CANVAS("png"),
        /** Dark ink on yellowish paper with noise, RGB PNG. */
        YELLOW_PAPER_PNG("png");

        public final String extension;

        Kind(String extension) {
            this.extension = extension;
        }
    }

    private UserPictures() {
    }

    /** The file bytes for {@code mnist} (784 values 0..1, ink 1) drawn as {@code kind}; {@code seed} varies it. */
    public static byte[] draw(float[] mnist, Kind kind, long seed) {
        Random rnd = new Random(seed);
        int zoom = 4 + rnd.nextInt(9);
        int side = 28 * zoom;
        int width = side + (int) (side * (0.1 + 0.9 * rnd.nextDouble()));
        int height = side + (int) (side * (0.1 + 0.6 * rnd.nextDouble()));
        int left = rnd.nextInt(width - side + 1);
        int top = rnd.nextInt(height - side + 1);
        float[] ink = new float[width * height]; // 0 paper … 1 full ink
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) ink[(top + y) * width + left + x] = bilinear(mnist, (x + 0.5f) / zoom, (y + 0.5f) / zoom);
        }
        return switch (kind) {
            case NOISY_GREY_PNG -> {
                specks(ink, width, height, zoom, rnd);
                yield png(paint(ink, width, height, BufferedImage.TYPE_BYTE_GRAY, new float[]{0.88f, 0.88f, 0.88f},
                        new float[]{0.25f, 0.25f, 0.25f}, 0.04f, rnd));
            }
            case BLUE_PEN_JPEG -> jpeg(paint(ink, width, height, BufferedImage.TYPE_INT_RGB, new float[]{1, 1, 1},
                    new float[]{0.1f, 0.15f, 0.6f}, 0, rnd));
            case YELLOW_PAPER_PNG -> png(paint(ink, width, height, BufferedImage.TYPE_INT_RGB,
                    new float[]{0.98f, 0.93f, 0.7f}, new float[]{0.1f, 0.1f, 0.1f}, 0.03f, rnd));
            case TRANSPARENT_CANVAS -> {
                var canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
                int[] pixels = new int[ink.length];
                for (int i = 0; i < ink.length; i++) pixels[i] = Math.round(255 * ink[i]) << 24; // black, alpha = ink
                canvas.setRGB(0, 0, width, height, pixels, 0, width);
                yield png(canvas);
            }
        };
    }

    /** Three dark dots of 1–3 pixels, away from the digit's centre: dust on the scan. */
    private static void specks(float[] ink, int width, int height, int zoom, Random rnd) {
        for (int s = 0; s < 3; s++) {
            int size = 1 + rnd.nextInt(3);
            int x0 = rnd.nextInt(width - size);
            int y0 = rnd.nextInt(height - size);
            for (int y = y0; y < y0 + size; y++) for (int x = x0; x < x0 + size; x++) ink[y * width + x] = 1;
        }
    }

    private static BufferedImage paint(float[] ink, int width, int height, int type, float[] paper, float[] pen,
                                       float noise, Random rnd) {
        var picture = new BufferedImage(width, height, type);
        int[] pixels = new int[ink.length];
        for (int i = 0; i < ink.length; i++) {
            double n = noise * rnd.nextGaussian();
            for (int c = 0; c < 3; c++) {
                double level = paper[c] + (pen[c] - paper[c]) * ink[i] + n;
                pixels[i] = pixels[i] << 8 | (int) Math.round(255 * Math.min(1, Math.max(0, level)));
            }
        }
        if (type == BufferedImage.TYPE_BYTE_GRAY) {
            for (int i = 0; i < pixels.length; i++) pixels[i] &= 0xff;
            picture.getRaster().setSamples(0, 0, width, height, 0, pixels);
        } else {
            picture.setRGB(0, 0, width, height, pixels, 0, width);
        }
        return picture;
    }

    private static float bilinear(float[] mnist, float fx, float fy) {
        float x = fx - 0.5f;
        float y = fy - 0.5f;
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        float ax = x - x0;
        float ay = y - y0;
        return (1 - ay) * ((1 - ax) * px(mnist, x0, y0) + ax * px(mnist, x0 + 1, y0))
                + ay * ((1 - ax) * px(mnist, x0, y0 + 1) + ax * px(mnist, x0 + 1, y0 + 1));
    }

    private static float px(float[] mnist, int x, int y) {
        return x < 0 || y < 0 || x >= 28 || y >= 28 ? 0 : mnist[y * 28 + x];
    }

    public static byte[] png(BufferedImage picture) {
        return DigitImages.png(picture);
    }

    public static byte[] jpeg(BufferedImage picture) {
        return jpeg(picture, 0.7f);
    }

    public static byte[] jpeg(BufferedImage picture, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        var bytes = new ByteArrayOutputStream();
        try (var out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(picture, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
