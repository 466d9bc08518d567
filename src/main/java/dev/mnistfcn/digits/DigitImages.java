package dev.mnistfcn.digits;

import dev.mnistfcn.UserError;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DirectColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Image files and uploaded bytes as pictures, through the JDK's own ImageIO readers only (PNG, JPEG, BMP, GIF's first
 * frame: {@link ReaderChoice}). Refused from the header alone, before any pixel is decoded: a picture larger than
 * {@link #MAX_PIXELS}, and one that would take more memory to decode than {@link DecodeBudget} allows (a 50 KB PNG can
 * claim 20000×20000 pixels, a 233 KB one 240 MB of 16-bit samples).
 *
 * <p>The forms with a {@code use} function hold the picture's share of the budget until {@code use} returns, so that
 * the picture and what is made from it are counted while they live; the others only while decoding.
 */
public final class DigitImages {
    /** The largest picture decoded, in pixels (width × height). */
    public static final long MAX_PIXELS = 40_000_000L;
    /** What {@link #read} accepts, for error messages. */
    public static final String FORMATS = "PNG, JPEG, BMP or GIF";

    private DigitImages() {
    }

    /** The picture in {@code file}; an {@link UnreadableImage} naming the file and why otherwise. */
    public static BufferedImage read(Path file) {
        return read(file, picture -> picture);
    }

    /** {@code use} applied to the picture in {@code file}, its decoding memory held meanwhile. */
    public static <T> T read(Path file, Function<BufferedImage, T> use) {
        String source = file.toString();
        if (Files.isDirectory(file)) throw new UnreadableImage(source + ": is a folder, not an image file");
        if (!Files.exists(file)) {
            String link = UserError.brokenLink(file);
            throw new UnreadableImage(source + ": " + (link != null ? link : "no such file" + localeHint(source)));
        }
        if (!Files.isRegularFile(file)) throw new UnreadableImage(source + ": not a regular file (a device, pipe or socket)");
        if (!Files.isReadable(file)) throw new UnreadableImage(source + ": not readable (check its permissions)");
        try {
            if (Files.size(file) == 0) throw empty(source);
            // A file stream, not the bytes in memory: a huge file is refused from its header without reading it all.
            try (ImageInputStream in = new ChannelImageInput(file)) {
                return read(in, source, use);
            }
        } catch (IOException e) {
            throw new UnreadableImage(source + ": could not be read (" + e.getMessage() + ")", e);
        }
    }

    /** Under LANG=C a name given on the command line reaches Java with '?' for each character outside ASCII. */
    private static String localeHint(String name) {
        boolean utf8 = "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"));
        return utf8 || name.indexOf('?') < 0 && name.indexOf('\uFFFD') < 0 ? "" : " (this JVM's locale is not UTF-8, "
                + "so characters outside ASCII in a name given to it read as '?': run with LANG=C.UTF-8)";
    }

    /** The picture in {@code bytes}; {@code source} names them in errors (a file name, "request body"). */
    public static BufferedImage read(byte[] bytes, String source) {
        return read(bytes, source, picture -> picture);
    }

    /** {@code use} applied to the picture in {@code bytes}, its decoding memory held meanwhile. */
    public static <T> T read(byte[] bytes, String source, Function<BufferedImage, T> use) {
        if (bytes.length == 0) throw empty(source);
        // A memory stream: ImageIO.createImageInputStream would cache a stream in a temporary file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            return read(in, source, use);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // closing a memory stream does not fail
        }
    }

    /** {@code picture} as PNG bytes (for the 28×28 images the model saw). */
    public static byte[] png(BufferedImage picture) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new MemoryCacheImageOutputStream(bytes)) {
            if (!ImageIO.write(picture, "png", out)) throw new IllegalStateException("no PNG writer in this JDK");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static UnreadableImage empty(String source) {
        return new UnreadableImage(source + ": empty (0 bytes), not an image");
    }

    private static <T> T read(ImageInputStream in, String source, Function<BufferedImage, T> use) throws IOException {
        ImageReader reader = ReaderChoice.readerFor(in, source); // by the first bytes, not the file name
        if (reader == null) {
            throw new UnreadableImage(source + ": not an image ImageIO can read (" + FORMATS + "); its first bytes "
                    + "match none of these formats");
        }
        String format = reader.getFormatName().toUpperCase(Locale.ROOT);
        List<String> warnings = new ArrayList<>();
        BufferedImage picture;
        DecodeBudget.Held held;
        try {
            JpegMarkers.Found jpeg = format.equals("JPEG") ? JpegMarkers.read(in) : JpegMarkers.Found.NONE;
            reader.setInput(in, true, true);
            // Decoders that meet the end of a truncated file often warn and return what they have (the rest grey).
            reader.addIIOReadWarningListener(collect(warnings));
            long width = reader.getWidth(0);
            long height = reader.getHeight(0);
            if (width * height > MAX_PIXELS) {
                throw new UnreadableImage(String.format(Locale.ROOT, "%s: %s of %,d×%,d pixels (%,d), over the limit "
                        + "of %,d pixels; scale it down first", source, format, width, height, width * height, MAX_PIXELS));
            }
            // JDK 17 decodes some CMYK JPEGs, but without the Adobe inversion and colour profile real ones need (a
            // digit can come out all black); others it cannot decode at all. Either way: refused, saying why.
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            if (!types.hasNext()) throw cmyk(source, format, null);
            ImageTypeSpecifier first = types.next();
            if (first.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK) throw cmyk(source, format, null);
            JpegMarkers.check(jpeg.scans(), width, height, source);
            ImageReadParam param = ReaderChoice.inOrder(reader);
            ImageTypeSpecifier decoded = param != null && param.getDestinationType() != null ? param.getDestinationType() : first;
            // A picture turned by its EXIF orientation is copied once: twice the raster while both live.
            held = DecodeBudget.SHARED.take(DecodeCost.bytes(width, height, decoded) * (jpeg.orientation() > 1 ? 2 : 1),
                    DecodeCost.describe(source, format, width, height, decoded));
            try {
                picture = ExifOrientation.apply(reader.read(0, param), jpeg.orientation());
            } catch (IOException | RuntimeException | Error e) {
                held.close();
                throw e;
            }
        } catch (EOFException e) {
            throw truncated(source, format, "end of file reached while decoding");
        } catch (IIOException e) {
            String reason = e.getMessage();
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof EOFException) throw truncated(source, format, reason);
            }
            if (reason != null && reason.contains("Unsupported Image Type")) throw cmyk(source, format, e);
            throw new UnreadableImage(source + ": a damaged " + format + " (" + reason + ")", e);
        } catch (RuntimeException e) {
            if (e instanceof UserError u) throw u;
            // ImageIO's decoders answer some malformed headers with unchecked exceptions; it is still the file.
            throw new UnreadableImage(source + ": a damaged " + format + " (" + e + ")", e);
        } finally {
            reader.dispose();
        }
        try (held) {
            for (String w : warnings) {
                if (truncation(w)) throw truncated(source, format, w);
            }
            if (picture.getWidth() < 1 || picture.getHeight() < 1) {
                throw new UnreadableImage(source + ": a " + format + " with no pixels");
            }
            if (format.equals("BMP")) opaqueWhereAllTransparent(picture);
            return use.apply(picture);
        }
    }

    /**
     * A BMP whose alpha is 0 in every pixel made opaque, in place: writers that leave the fourth byte 0 under a header
     * that declares an alpha mask (V4/V5) mean no transparency, and Chromium draws such a BMP opaque (Firefox draws it
     * transparent); read as transparent it showed only paper ("no ink"). Only the bit-field pixels such headers
     * decode to (a {@link DirectColorModel}): a PNG inside a BMP keeps its own alpha, as Chromium keeps it.
     */
    static void opaqueWhereAllTransparent(BufferedImage picture) {
        WritableRaster alpha = picture.getAlphaRaster();
        if (alpha == null || !(picture.getColorModel() instanceof DirectColorModel)) return;
        int width = alpha.getWidth(), height = alpha.getHeight();
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            alpha.getSamples(0, y, width, 1, 0, row);
            for (int a : row) if (a != 0) return;
        }
        Arrays.fill(row, (1 << alpha.getSampleModel().getSampleSize(0)) - 1);
        for (int y = 0; y < height; y++) alpha.setSamples(0, y, width, 1, 0, row);
    }

    private static UnreadableImage cmyk(String source, String format, Throwable cause) {
        return new UnreadableImage(source + ": a " + format + " in a colour space ImageIO does not decode faithfully (a "
                + "CMYK or YCCK JPEG, as print workflows save); save it as RGB or greyscale", cause);
    }

    private static boolean truncation(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        return w.contains("premature end") || w.contains("truncated") || w.contains("end of file");
    }

    private static UnreadableImage truncated(String source, String format, String detail) {
        return new UnreadableImage(source + ": a " + format + " that ends early (truncated or still downloading: "
                + detail + ")");
    }

    private static IIOReadWarningListener collect(List<String> warnings) {
        return (reader, warning) -> warnings.add(warning);
    }
}
