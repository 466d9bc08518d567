package dev.mnistfcn.digits;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.SampleModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ImageIO reader for an upload, picked by its signature, and only among the JDK's own PNG, JPEG, GIF and BMP
 * readers ({@code com.sun.imageio.plugins}). {@link ImageIO#getImageReaders} would ask every registered reader, and
 * this classpath registers dozens through datavec (TwelveMonkeys 3.1.1's JPEG, BMP, TIFF and PSD readers, jai-imageio
 * 1.3.0's JPEG 2000): old decoders that strangers' bytes should not reach. Asking them all also cost a tenth of a small
 * PNG request's time. Formats we recognise but do not read are an {@link UnacceptedFormat}.
 */
final class ReaderChoice {
    /** Signatures, and the JDK reader that decodes them. */
    private static final Map<byte[], String> SIGNATURES = new LinkedHashMap<>();
    /** Signatures of formats people send that we refuse, with their names for the message. */
    private static final Map<byte[], String> REFUSED = new LinkedHashMap<>();

    static {
        SIGNATURES.put(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, "com.sun.imageio.plugins.png.PNGImageReaderSpi");
        SIGNATURES.put(new byte[]{(byte) 0xff, (byte) 0xd8, (byte) 0xff}, "com.sun.imageio.plugins.jpeg.JPEGImageReaderSpi");
        SIGNATURES.put(new byte[]{'G', 'I', 'F', '8'}, "com.sun.imageio.plugins.gif.GIFImageReaderSpi");
        SIGNATURES.put(new byte[]{'B', 'M'}, "com.sun.imageio.plugins.bmp.BMPImageReaderSpi");
        REFUSED.put(new byte[]{'I', 'I', '*', 0}, "TIFF");
        REFUSED.put(new byte[]{'M', 'M', 0, '*'}, "TIFF");
        REFUSED.put(new byte[]{'8', 'B', 'P', 'S'}, "Photoshop (PSD)");
        REFUSED.put(new byte[]{0, 0, 0, 0x0c, 'j', 'P', ' ', ' '}, "JPEG 2000");
        REFUSED.put(new byte[]{(byte) 0xff, 0x4f, (byte) 0xff, 0x51}, "JPEG 2000");
        REFUSED.put(new byte[]{0, 0, 1, 0}, "Windows icon (ICO)");
    }

    /** Per reader class name, the JDK's registered reader, found once. */
    private static final Map<String, ImageReaderSpi> JDK_READERS = jdkReaders();

    private ReaderChoice() {
    }

    /**
     * A JDK reader for {@code in} (not yet given it), or null when its first bytes are no picture we know; an
     * {@link UnacceptedFormat} naming {@code source} when they are one we do not read.
     */
    static ImageReader readerFor(ImageInputStream in, String source) throws IOException {
        byte[] head = new byte[12];
        in.mark();
        int n = 0;
        try {
            for (int r; n < head.length && (r = in.read(head, n, head.length - n)) > 0; ) n += r;
        } finally {
            in.reset();
        }
        for (var s : SIGNATURES.entrySet()) {
            ImageReaderSpi spi = JDK_READERS.get(s.getValue());
            if (spi != null && startsWith(head, n, s.getKey()) && canDecode(spi, in)) return spi.createReaderInstance();
        }
        String refused = null;
        for (var s : REFUSED.entrySet()) if (startsWith(head, n, s.getKey())) refused = s.getValue();
        if (n >= 12 && startsWith(head, 4, new byte[]{'R', 'I', 'F', 'F'}) && new String(head, 8, 4, StandardCharsets.ISO_8859_1).equals("WEBP")) {
            refused = "WebP";
        }
        if (n >= 12 && new String(head, 4, 4, StandardCharsets.ISO_8859_1).equals("ftyp")) refused = "HEIF/AVIF";
        if (refused != null) {
            throw new UnacceptedFormat(source + ": a " + refused + " picture; this service reads " + DigitImages.FORMATS
                    + " only: save or export it as PNG");
        }
        return null;
    }

    private static boolean startsWith(byte[] head, int n, byte[] signature) {
        return n >= signature.length && Arrays.equals(head, 0, signature.length, signature, 0, signature.length);
    }

    /**
     * As ImageIO asks a reader: an input too short for its header ("GIF8" and one byte: EOFException, found by
     * fuzzing) cannot be decoded. The reader's mark is undone, so the next reader starts at the first byte.
     */
    private static boolean canDecode(ImageReaderSpi spi, ImageInputStream in) throws IOException {
        try {
            return spi.canDecodeInput(in);
        } catch (IOException e) {
            in.reset();
            return false;
        }
    }

    /**
     * For PNG, the decoder's own layout when it offers one (RGBA as R, G, B, A bytes): its rows are then copied into
     * the picture whole. The JDK's PNG reader proposes TYPE_4BYTE_ABGR first, and reorders every sample into it.
     * Null (the reader's choice) otherwise; the samples are the same either way.
     */
    static ImageReadParam inOrder(ImageReader reader) throws IOException {
        if (!reader.getFormatName().equalsIgnoreCase("png")) return null;
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        ImageTypeSpecifier first = types.next();
        if (inOrder(first.getSampleModel())) return null;
        while (types.hasNext()) {
            ImageTypeSpecifier type = types.next();
            if (inOrder(type.getSampleModel()) && type.getColorModel().equals(first.getColorModel())) {
                ImageReadParam param = reader.getDefaultReadParam();
                param.setDestinationType(type);
                return param;
            }
        }
        return null;
    }

    private static boolean inOrder(SampleModel model) {
        if (!(model instanceof PixelInterleavedSampleModel m) || m.getNumBands() != m.getPixelStride()) return false;
        int[] offsets = m.getBandOffsets();
        for (int b = 0; b < offsets.length; b++) if (offsets[b] != b) return false;
        return true;
    }

    private static Map<String, ImageReaderSpi> jdkReaders() {
        Map<String, ImageReaderSpi> jdk = new LinkedHashMap<>();
        Iterator<ImageReaderSpi> all = IIORegistry.getDefaultInstance().getServiceProviders(ImageReaderSpi.class, false);
        while (all.hasNext()) {
            ImageReaderSpi spi = all.next();
            // by class and module: a jar could name a class the same, but not put it in the JDK's java.desktop
            if (SIGNATURES.containsValue(spi.getClass().getName()) && "java.desktop".equals(spi.getClass().getModule().getName())) {
                jdk.put(spi.getClass().getName(), spi);
            }
        }
        return Map.copyOf(jdk);
    }
}
