package dev.mnistfcn.digits;

import org.junit.jupiter.api.Test;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Progressive JPEGs are decoded over the whole picture once per scan: a server review's 1 MB file of 99 scans took
 * 12 s, one of 20,000 repeated scans held a worker for minutes. Real files from the JDK's own writer, baseline and
 * progressive, and progressive ones with a scan repeated (which the JDK's reader decodes, as the review found).
 */
class JpegMarkersTest {

    @Test
    void baselineAndProgressiveJpegsAreCountedAndRead() throws IOException {
        byte[] baseline = jpeg(digit(280), false);
        byte[] progressive = jpeg(digit(280), true);
        assertEquals(1, scans(baseline));
        int written = scans(progressive);
        assertTrue(written > 1 && written <= 10, "libjpeg's progressive script: " + written + " scans");
        assertEquals(280, DigitImages.read(progressive, "p.jpg").getWidth(), "a progressive JPEG is still read");
    }

    @Test
    void tooManyScansOrTooMuchWorkIsRefusedBeforeDecoding() throws IOException {
        byte[] progressive = jpeg(digit(280), true);
        byte[] many = repeatLastScan(progressive, JpegMarkers.MAX_SCANS);
        assertTrue(scans(many) > JpegMarkers.MAX_SCANS);
        UnreadableImage e = assertThrows(UnreadableImage.class, () -> DigitImages.read(many, "request body"));
        assertTrue(e.getMessage().startsWith("request body: a progressive JPEG of " + String.format("%,d", scans(many))
                + " scans over 280×280 pixels, more decoding work than mnist-fcn spends on one picture"), e.getMessage());

        // Fewer scans, but over a picture large enough that scans × pixels passes the limit.
        byte[] large = jpeg(digit(2000), true);
        int needed = (int) (JpegMarkers.MAX_PIXEL_SCANS / (2000L * 2000)) + 1;
        byte[] work = repeatLastScan(large, needed - scans(large));
        assertTrue(scans(work) < JpegMarkers.MAX_SCANS);
        assertThrows(UnreadableImage.class, () -> DigitImages.read(work, "request body"));
        assertEquals(2000, DigitImages.read(repeatLastScan(large, 2), "x").getWidth(), "a few more scans are read");
    }

    /**
     * A tables-only image (SOI, a quantisation table, EOI) before the real one: the walk stopped at the first EOI and
     * counted 0 scans, while the JDK's reader skips to the next image and decoded its hundreds of scans (19 s).
     */
    @Test
    void theImageAfterATablesOnlyImageIsTheOneCounted() throws IOException {
        var tables = new ByteArrayOutputStream();
        tables.writeBytes(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDB, 0, 67, 0});
        for (int i = 0; i < 64; i++) tables.write(1);
        tables.writeBytes(new byte[]{(byte) 0xFF, (byte) 0xD9});
        byte[] many = repeatLastScan(jpeg(digit(280), true), JpegMarkers.MAX_SCANS);
        byte[] both = concat(tables.toByteArray(), many);
        assertEquals(scans(many), scans(both));
        UnreadableImage e = assertThrows(UnreadableImage.class, () -> DigitImages.read(both, "request body"));
        assertTrue(e.getMessage().startsWith("request body: a progressive JPEG of "), e.getMessage());

        // The orientation is the decoded image's, not the tables'.
        byte[] turned = concat(withOrientation(tables.toByteArray(), 3), withOrientation(jpeg(digit(40), false), 6));
        try (var in = new MemoryCacheImageInputStream(new ByteArrayInputStream(turned))) {
            assertEquals(new JpegMarkers.Found(1, 6), JpegMarkers.read(in));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * A phone's photo: the pixels as the sensor read them, and EXIF saying how to turn them. The JDK's reader ignores
     * EXIF: a digit photographed upright was read on its side (4 of 6 wrong in the review), while the page's browser
     * showed it upright.
     */
    @Test
    void exifOrientationTurnsThePictureAsAPhoneMeantIt() throws IOException {
        BufferedImage upright = new BufferedImage(300, 200, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = upright.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 300, 200);
        g.setColor(Color.BLACK);
        g.fillRect(20, 20, 60, 30); // ink in the top-left corner only
        g.dispose();
        int[] inverse = {0, 1, 2, 3, 4, 5, 8, 7, 6};
        for (int o = 1; o <= 8; o++) {
            BufferedImage stored = ExifOrientation.apply(upright, inverse[o]);
            assertArrayEquals(pixels(upright), pixels(ExifOrientation.apply(stored, o)), "orientation " + o);
            byte[] file = withOrientation(jpeg(stored, false), o);
            try (var in = new MemoryCacheImageInputStream(new ByteArrayInputStream(file))) {
                assertEquals(o, JpegMarkers.read(in).orientation());
            }
            BufferedImage read = DigitImages.read(file, "phone.jpg");
            assertEquals(300, read.getWidth(), "orientation " + o);
            assertTrue(darkAt(read, 50, 35) && !darkAt(read, 250, 165), "orientation " + o + ": ink top left");
        }
        try (var in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg(upright, false)))) {
            assertEquals(1, JpegMarkers.read(in).orientation(), "no EXIF: as stored");
        }
    }

    private static byte[] pixels(BufferedImage img) {
        return ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
    }

    private static boolean darkAt(BufferedImage img, int x, int y) {
        return (img.getRGB(x, y) & 0xFF) < 100;
    }

    /** {@code jpeg} with an APP1 EXIF segment (big-endian TIFF, one IFD entry: orientation) after its SOI. */
    private static byte[] withOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0,
                0, 0, 0, 0};
        var out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int length = 2 + 6 + tiff.length;
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    private static int scans(byte[] jpeg) throws IOException {
        try (var in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            int n = JpegMarkers.read(in).scans();
            assertEquals(0, in.getStreamPosition(), "the stream is left at its start");
            return n;
        }
    }

    private static BufferedImage digit(int side) {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, side, side);
        g.setColor(Color.BLACK);
        g.fillRect(side * 45 / 100, side / 5, side / 10, side * 3 / 5); // a "1"
        g.dispose();
        return img;
    }

    private static byte[] jpeg(BufferedImage img, boolean progressive) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        var bytes = new ByteArrayOutputStream();
        try (var out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(progressive ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** The file with its last scan (from its SOS marker to the EOI) repeated {@code times} more times. */
    private static byte[] repeatLastScan(byte[] jpeg, int times) {
        int sos = -1;
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) sos = i;
        }
        int eoi = jpeg.length - 2;
        var out = new ByteArrayOutputStream();
        out.write(jpeg, 0, eoi);
        for (int t = 0; t < times; t++) out.write(jpeg, sos, eoi - sos);
        out.write(jpeg, eoi, 2);
        return out.toByteArray();
    }
}
