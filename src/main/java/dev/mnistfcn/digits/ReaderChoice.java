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
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The ImageIO reader for an upload, picked by its signature. {@link ImageIO#getImageReaders} asks every registered
 * reader whether it can decode the stream (this classpath registers dozens, TIFF, PSD and JPEG 2000 among them), a
 * tenth of a small PNG request's time; the four formats people send are told by their first bytes, and only the
 * reader ImageIO would rank first for that format is asked. Anything else goes the long way.
 */
final class ReaderChoice {
    /** Signatures, and the format whose first-ranked reader decodes them. */
    private static final Map<byte[], String> SIGNATURES = new LinkedHashMap<>();

    static {
        SIGNATURES.put(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, "png");
        SIGNATURES.put(new byte[]{(byte) 0xff, (byte) 0xd8, (byte) 0xff}, "jpeg");
        SIGNATURES.put(new byte[]{'G', 'I', 'F', '8'}, "gif");
        SIGNATURES.put(new byte[]{'B', 'M'}, "bmp");
    }

    /** Per format, its first reader in ImageIO's order, found once. */
    private static final Map<String, ImageReaderSpi> FIRST = firstReaders();

    private ReaderChoice() {
    }

    /** A reader for {@code in} (not yet given it), or null when no registered reader can decode it. */
    static ImageReader readerFor(ImageInputStream in) throws IOException {
        byte[] head = new byte[8];
        in.mark();
        int n;
        try {
            n = in.read(head);
        } finally {
            in.reset();
        }
        for (var s : SIGNATURES.entrySet()) {
            byte[] signature = s.getKey();
            ImageReaderSpi spi = FIRST.get(s.getValue());
            if (spi != null && n >= signature.length && Arrays.equals(head, 0, signature.length, signature, 0, signature.length)
                    && canDecode(spi, in)) {
                return spi.createReaderInstance();
            }
        }
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        return readers.hasNext() ? readers.next() : null;
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

    private static Map<String, ImageReaderSpi> firstReaders() {
        Map<String, ImageReaderSpi> first = new LinkedHashMap<>();
        Iterator<ImageReaderSpi> all = IIORegistry.getDefaultInstance().getServiceProviders(ImageReaderSpi.class, true);
        while (all.hasNext()) {
            ImageReaderSpi spi = all.next();
            for (String name : spi.getFormatNames()) first.putIfAbsent(name.toLowerCase(Locale.ROOT), spi);
        }
        return Map.copyOf(first);
    }
}
