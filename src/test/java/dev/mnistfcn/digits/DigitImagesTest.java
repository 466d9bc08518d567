package dev.mnistfcn.digits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every file format people send, and every broken file, read through ImageIO with a clear error for the broken. */
class DigitImagesTest {
    /** The reference "2" as 0..255 grey samples, black on white. */
    static int[] greySamples() {
        BufferedImage p = SyntheticDigits.darkOnLight();
        int[] grey = new int[200 * 200];
        for (int i = 0; i < grey.length; i++) grey[i] = p.getRGB(i % 200, i / 200) & 0xff;
        return grey;
    }

    static float[] prepared(byte[] file, String name) {
        return MnistRecipe.prepare(DigitImages.read(file, name)).orElseThrow();
    }

    static void assertReference(byte[] file, String name, double tolerance) {
        double d = SyntheticDigits.difference(MnistRecipeTest.REFERENCE, prepared(file, name));
        assertTrue(d <= tolerance, name + ": mean difference per pixel " + d);
    }

    @Test
    void sixteenBitGreyPngIsReadAsItsGreyLevels() {
        var picture = new BufferedImage(200, 200, BufferedImage.TYPE_USHORT_GRAY);
        picture.getRaster().setSamples(0, 0, 200, 200, 0, Arrays.stream(greySamples()).map(g -> g * 257).toArray());
        byte[] png = UserPictures.png(picture);
        assertEquals(16, DigitImages.read(png, "16-bit").getColorModel().getComponentSize(0), "read back as 16-bit");
        assertReference(png, "16-bit grey PNG", 0.002);
    }

    @Test
    void palettePngIsReadThroughItsPalette() {
        // Blue ink to white paper: a grey palette would be written as a plain grey PNG.
        byte[] levels = new byte[256];
        byte[] blue = new byte[256];
        for (int i = 0; i < 256; i++) {
            levels[i] = (byte) i;
            blue[i] = (byte) 255;
        }
        var palette = new IndexColorModel(8, 256, levels, levels, blue);
        var picture = new BufferedImage(200, 200, BufferedImage.TYPE_BYTE_INDEXED, palette);
        picture.getRaster().setSamples(0, 0, 200, 200, 0, greySamples());
        byte[] png = UserPictures.png(picture);
        assertTrue(DigitImages.read(png, "palette").getColorModel() instanceof IndexColorModel, "read back with a palette");
        assertReference(png, "palette PNG", 0.01);
    }

    @Test
    void greyWithAlphaPngIsCompositedOnWhite() {
        var model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = model.createCompatibleWritableRaster(200, 200);
        // Black ink whose coverage is its alpha, on a transparent background: a canvas export in grey+alpha.
        raster.setSamples(0, 0, 200, 200, 1, Arrays.stream(greySamples()).map(g -> 255 - g).toArray());
        byte[] png = UserPictures.png(new BufferedImage(model, raster, false, null));
        var read = DigitImages.read(png, "grey+alpha");
        assertTrue(read.getColorModel().hasAlpha() && read.getColorModel().getNumColorComponents() == 1,
                "read back as grey+alpha: " + read.getColorModel());
        assertReference(png, "grey+alpha PNG", 0.002);
    }

    /** A canvas in a dark theme: white ink whose coverage is its alpha, nothing behind it. On white paper it vanishes. */
    @Test
    void lightInkOnATransparentBackgroundIsInk() {
        int[] coverage = Arrays.stream(greySamples()).map(g -> 255 - g).toArray();
        var model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = model.createCompatibleWritableRaster(200, 200);
        raster.setSamples(0, 0, 200, 200, 0, filled(255));
        raster.setSamples(0, 0, 200, 200, 1, coverage);
        assertReference(UserPictures.png(new BufferedImage(model, raster, false, null)), "white on transparent, grey+alpha", 0.002);

        var rgba = new BufferedImage(200, 200, BufferedImage.TYPE_INT_ARGB);
        for (int i = 0; i < coverage.length; i++) rgba.setRGB(i % 200, i / 200, coverage[i] << 24 | 0xffffff);
        byte[] png = UserPictures.png(rgba);
        assertTrue(DigitImages.read(png, "rgba").getColorModel().hasAlpha(), "read back with its alpha");
        assertReference(png, "white on transparent, RGBA", 0.002);
        assertTrue(MnistRecipe.prepare(new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB)).isEmpty(),
                "nothing at all on a transparent background is still no digit");
    }

    private static int[] filled(int value) {
        int[] samples = new int[200 * 200];
        Arrays.fill(samples, value);
        return samples;
    }

    @Test
    void bmpGifAndJpegAreRead() throws IOException {
        BufferedImage picture = SyntheticDigits.darkOnLight();
        for (String format : new String[]{"bmp", "gif"}) {
            var bytes = new ByteArrayOutputStream();
            assertTrue(ImageIO.write(picture, format, bytes), format);
            assertReference(bytes.toByteArray(), format, 0.01);
        }
        assertReference(UserPictures.jpeg(picture, 0.9f), "jpeg", 0.01);
    }

    /**
     * A 32-bit BMP with a V5 header that declares an alpha mask: with every alpha byte 0 (writers that leave it unset)
     * it is drawn opaque, as Chromium draws it (it read as blank paper, "no ink"); with alpha where the ink is and 0
     * elsewhere, its transparency still counts (the black under alpha 0 is paper); a PNG is left as it is.
     */
    @Test
    void aBmpWhoseAlphaIsAllZeroIsReadOpaque() {
        BufferedImage picture = SyntheticDigits.darkOnLight();
        assertReference(bmpV5(picture, false), "V5 BMP, alpha 0 everywhere", 0.01);
        assertReference(bmpV5(picture, true), "V5 BMP, ink opaque on transparent black", 0.01);
        // Only BMPs: a PNG whose alpha is 0 everywhere stays transparent, paper and no ink.
        BufferedImage transparent = new BufferedImage(200, 200, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 200; x++) transparent.setRGB(x, y, picture.getRGB(x, y) & 0xffffff); // alpha 0
        }
        byte[] png = UserPictures.png(transparent);
        assertTrue(MnistRecipe.prepare(DigitImages.read(png, "transparent PNG")).isEmpty(), "a transparent PNG has no ink");
    }

    /**
     * {@code picture} as a bottom-up 32-bit BMP with a BITMAPV5HEADER and masks for B, G, R and alpha; alpha 0
     * everywhere, or ({@code transparentBlack}) 255 on dark pixels and 0 on the others, whose colour becomes black.
     */
    private static byte[] bmpV5(BufferedImage picture, boolean transparentBlack) {
        int w = picture.getWidth(), h = picture.getHeight(), header = 124, offset = 14 + header, size = offset + 4 * w * h;
        var bmp = java.nio.ByteBuffer.allocate(size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bmp.put((byte) 'B').put((byte) 'M').putInt(size).putInt(0).putInt(offset);
        bmp.putInt(header).putInt(w).putInt(h).putShort((short) 1).putShort((short) 32).putInt(3).putInt(4 * w * h)
                .putInt(2835).putInt(2835).putInt(0).putInt(0);
        bmp.putInt(0x00ff0000).putInt(0x0000ff00).putInt(0x000000ff).putInt(0xff000000); // R, G, B, alpha masks
        bmp.putInt(0x73524742); // 'sRGB'
        bmp.position(bmp.position() + 36 + 12); // endpoints, gamma
        bmp.putInt(4).putInt(0).putInt(0).putInt(0); // intent, profile, reserved
        for (int y = h - 1; y >= 0; y--) {
            for (int x = 0; x < w; x++) {
                int rgb = picture.getRGB(x, y) & 0xffffff;
                boolean ink = (rgb & 0xff) < 128;
                int alpha = transparentBlack && ink ? 0xff : 0;
                bmp.putInt(alpha << 24 | (transparentBlack && !ink ? 0 : rgb));
            }
        }
        return bmp.array();
    }

    @Test
    void aPictureFileIsReadFromDisk(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("two.png");
        Files.write(file, UserPictures.png(SyntheticDigits.darkOnLight()));
        assertEquals(200, DigitImages.read(file).getWidth());
    }

    /**
     * A file found in a folder whose name is not UTF-8 (or that LANG=C cannot spell) is read through its name's own
     * bytes: it was "could not be read (…/bad?.png (No such file or directory))". PNG and JPEG (a native reader).
     */
    @Test
    void aFileWhoseNameIsNotUtf8IsRead(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("two.png"), UserPictures.png(SyntheticDigits.darkOnLight()));
        Files.write(dir.resolve("two.jpg"), UserPictures.jpeg(SyntheticDigits.darkOnLight(), 0.9f));
        Process mv = new ProcessBuilder("bash", "-c", "cp two.png $'bad\\xff.png' && cp two.jpg $'bad\\xfe.jpg'")
                .directory(dir.toFile()).inheritIO().start();
        assertEquals(0, mv.waitFor());
        List<Path> odd;
        try (var files = Files.list(dir)) {
            odd = files.filter(f -> f.getFileName().toString().startsWith("bad")).sorted().toList();
        }
        assertEquals(2, odd.size(), odd.toString());
        for (Path f : odd) {
            String format = f.getFileName().toString().endsWith("png") ? "two.png" : "two.jpg";
            assertEquals(pixelsOf(DigitImages.read(dir.resolve(format))), pixelsOf(DigitImages.read(f)), f.toString());
        }
    }

    private static List<Integer> pixelsOf(java.awt.image.BufferedImage picture) {
        int[] rgb = picture.getRGB(0, 0, picture.getWidth(), picture.getHeight(), null, 0, picture.getWidth());
        return Arrays.stream(rgb).boxed().toList();
    }

    /** A 50-byte PNG claiming 20000×20000 pixels: refused from its header, before 400 million pixels are decoded. */
    @Test
    void aPixelBombIsRefusedFromItsHeader() throws IOException {
        byte[] bomb = pngClaiming(20_000, 20_000);
        assertTrue(bomb.length < 100, "the file is tiny: " + bomb.length);
        UnreadableImage e = assertThrows(UnreadableImage.class, () -> DigitImages.read(bomb, "bomb.png"));
        assertEquals("bomb.png: PNG of 20,000×20,000 pixels (400,000,000), over the limit of 40,000,000 pixels; scale it "
                + "down first", e.getMessage());
        // Just under the limit in the header, the same bytes are decoded, and fail as what they are: cut short.
        UnreadableImage small = assertThrows(UnreadableImage.class, () -> DigitImages.read(pngClaiming(6000, 6000), "6k.png"));
        assertTrue(small.getMessage().startsWith("6k.png: a PNG that ends early"), small.getMessage());
    }

    /** Signature, IHDR (8-bit grey), one IDAT of a few zero rows, IEND; CRCs computed as PNG requires. */
    static byte[] pngClaiming(int width, int height) throws IOException {
        var out = new ByteArrayOutputStream();
        var data = new DataOutputStream(out);
        data.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        var header = new ByteArrayOutputStream();
        var h = new DataOutputStream(header);
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[]{8, 0, 0, 0, 0}); // bit depth 8, greyscale, deflate, adaptive filters, no interlace
        DeepPngs.chunk(data, "IHDR", header.toByteArray());
        var deflater = new Deflater();
        deflater.setInput(new byte[16]);
        deflater.finish();
        byte[] idat = new byte[64];
        int n = deflater.deflate(idat);
        DeepPngs.chunk(data, "IDAT", Arrays.copyOf(idat, n));
        DeepPngs.chunk(data, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * A CMYK JPEG (ImageIO writes a 4-band raster as one). The JDK 17 reader would decode it, but its colours come
     * back wrong (this "2", K channel only, reads back all black): refused with a clear error instead.
     */
    @Test
    void aCmykJpegIsAClearError() throws IOException {
        WritableRaster cmyk = WritableRaster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 200, 200, 4, null);
        cmyk.setSamples(0, 0, 200, 200, 3, Arrays.stream(greySamples()).map(g -> 255 - g).toArray()); // K: the ink
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        var bytes = new ByteArrayOutputStream();
        try (var out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(cmyk, null, null), null);
        } finally {
            writer.dispose();
        }
        UnreadableImage e = assertThrows(UnreadableImage.class, () -> DigitImages.read(bytes.toByteArray(), "print.jpg"));
        assertEquals("print.jpg: a JPEG in a colour space ImageIO does not decode faithfully (a CMYK or YCCK JPEG, as "
                + "print workflows save); save it as RGB or greyscale", e.getMessage());
    }

    @Test
    void truncatedFilesAreErrorsNotGreyPictures() {
        byte[] png = UserPictures.png(SyntheticDigits.darkOnLight());
        byte[] jpeg = UserPictures.jpeg(SyntheticDigits.darkOnLight(), 0.9f);
        for (int percent : new int[]{30, 60, 95}) {
            UnreadableImage p = assertThrows(UnreadableImage.class,
                    () -> DigitImages.read(Arrays.copyOf(png, png.length * percent / 100), "cut.png"), percent + "% of a PNG");
            assertTrue(p.getMessage().startsWith("cut.png: a PNG that ends early"), p.getMessage());
            UnreadableImage j = assertThrows(UnreadableImage.class,
                    () -> DigitImages.read(Arrays.copyOf(jpeg, jpeg.length * percent / 100), "cut.jpg"), percent + "% of a JPEG");
            assertTrue(j.getMessage().startsWith("cut.jpg: a JPEG that ends early"), j.getMessage());
        }
    }

    @Test
    void filesThatAreNoPicturesAreClearErrors(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "shopping list: milk, eggs\n");
        assertEquals(text + ": not an image ImageIO can read (PNG, JPEG, BMP or GIF); its first bytes match none of "
                + "these formats", assertThrows(UnreadableImage.class, () -> DigitImages.read(text)).getMessage());
        Path empty = dir.resolve("empty.jpg");
        Files.write(empty, new byte[0]);
        assertEquals(empty + ": empty (0 bytes), not an image",
                assertThrows(UnreadableImage.class, () -> DigitImages.read(empty)).getMessage());
        assertEquals("request body: empty (0 bytes), not an image",
                assertThrows(UnreadableImage.class, () -> DigitImages.read(new byte[0], "request body")).getMessage());
        assertEquals(dir.resolve("missing.png") + ": no such file",
                assertThrows(UnreadableImage.class, () -> DigitImages.read(dir.resolve("missing.png"))).getMessage());
        assertEquals(dir + ": is a folder, not an image file",
                assertThrows(UnreadableImage.class, () -> DigitImages.read(dir)).getMessage());
        // Two links to each other: said so, not "no such file" (which the user could see was wrong).
        Path a = dir.resolve("a.png");
        Files.createSymbolicLink(a, Path.of("b.png"));
        Files.createSymbolicLink(dir.resolve("b.png"), Path.of("a.png"));
        assertEquals(a + ": a link to b.png that leads nowhere: its target is missing, or links loop",
                assertThrows(UnreadableImage.class, () -> DigitImages.read(a)).getMessage());
        assertEquals("/dev/zero: not a regular file (a device, pipe or socket)",
                assertThrows(UnreadableImage.class, () -> DigitImages.read(Path.of("/dev/zero"))).getMessage());
    }
}
