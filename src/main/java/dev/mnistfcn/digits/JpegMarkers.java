package dev.mnistfcn.digits;

import javax.imageio.stream.ImageInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Locale;

/**
 * What a JPEG's markers say before it is decoded: how many scans it has, and its EXIF orientation.
 *
 * <p>Scans: the JDK's reader decodes a progressive JPEG over the whole picture once per scan, so its work is pixels ×
 * scans, which neither the pixel limit nor {@link DecodeBudget} (memory) bounds: a 1 MB 6000×6000 file of 99 scans
 * took 12 s, one of 20,000 tiny repeated scans held a server worker for minutes. A baseline JPEG has one scan per
 * colour or one in all; libjpeg's progressive files have 6 (grey) or 10 (colour).
 *
 * <p>Orientation: phones store a photo's pixels as the sensor read them and say in EXIF how to turn them; the JDK's
 * reader ignores it, so a digit photographed upright was read on its side (4 of 6 wrong), while the page's browser,
 * which applies it, showed it upright.
 */
final class JpegMarkers {
    /** What the markers say; {@code orientation} is EXIF's 1 to 8 (1: as stored, also where there is no EXIF). */
    record Found(int scans, int orientation) {
        static final Found NONE = new Found(1, 1);
    }

    /** Decoding work allowed for one picture: 16 scans of the largest picture read (about 2 s here). */
    static final long MAX_PIXEL_SCANS = 16 * DigitImages.MAX_PIXELS;
    /** Scans allowed whatever the size: each costs a setup however small the picture. */
    static final int MAX_SCANS = 256;

    private static final int SOS = 0xDA, EOI = 0xD9, SOI = 0xD8, TEM = 0x01, APP1 = 0xE1;

    private JpegMarkers() {
    }

    /**
     * The markers of the JPEG in {@code in}, from its start; leaves the stream where it was (at its start: before a
     * reader reads it, which may discard what it has read).
     */
    static Found read(ImageInputStream in) throws IOException {
        in.mark();
        try {
            return readFromHere(in);
        } finally {
            in.reset();
        }
    }

    /** Refuses a JPEG of {@code scans} whose decoding would take more work than allowed. */
    static void check(int scans, long width, long height, String source) {
        if (scans > MAX_SCANS || width * height * scans > MAX_PIXEL_SCANS) {
            throw new UnreadableImage(String.format(Locale.ROOT, "%s: a progressive JPEG of %,d scans over %,d×%,d "
                    + "pixels, more decoding work than mnist-fcn spends on one picture (at most %,d scans, and scans × "
                    + "pixels at most %,d); save it as a baseline JPEG or a PNG, or scale it down", source, scans, width,
                    height, MAX_SCANS, MAX_PIXEL_SCANS));
        }
    }

    /**
     * The start-of-scan markers and the first EXIF orientation, walking the marker segments by their lengths and each
     * scan's entropy-coded data to its next marker (where 0xFF is followed by 0x00, a restart marker or more 0xFF, it
     * is data). Stops at the end of the image or of the stream.
     *
     * <p>A first image that ends before any scan holds tables only: the JDK's reader keeps its tables and decodes the
     * next image, so that one is walked and counted instead (stopping at the tables' end, a stream of tables then a
     * progressive JPEG of hundreds of scans counted 0 and took 19 s to decode), its orientation too.
     */
    private static Found readFromHere(ImageInputStream in) throws IOException {
        if (in.read() != 0xFF || in.read() != SOI) return new Found(0, 1);
        int scans = 0;
        int orientation = 0;
        boolean afterTables = false;
        int marker = nextMarker(in);
        while (marker >= 0) {
            if (marker == EOI) {
                if (scans > 0 || afterTables) break;
                afterTables = true;
                orientation = 0; // the tables' own EXIF is not the decoded picture's
                do {
                    marker = nextMarker(in); // the reader, too, looks for the next image's start past anything between
                } while (marker >= 0 && marker != SOI);
                if (marker >= 0) marker = nextMarker(in);
                continue;
            }
            if (marker == TEM || marker >= 0xD0 && marker <= 0xD7) { // no length
                marker = nextMarker(in);
                continue;
            }
            int hi = in.read(), lo = in.read();
            if (hi < 0 || lo < 0) break;
            int length = hi << 8 | lo;
            if (length < 2) break;
            if (marker == APP1 && orientation == 0) {
                byte[] segment = new byte[length - 2];
                try {
                    in.readFully(segment);
                } catch (EOFException e) {
                    break;
                }
                orientation = ExifOrientation.of(segment);
            } else if (in.skipBytes(length - 2) < length - 2) {
                break;
            }
            if (marker == SOS) {
                scans++;
                marker = afterEntropyData(in);
            } else {
                marker = nextMarker(in);
            }
        }
        return new Found(scans, orientation == 0 ? 1 : orientation);
    }

    /** The marker after the 0xFF (fill bytes skipped) at the stream's position, or -1 at its end. */
    private static int nextMarker(ImageInputStream in) throws IOException {
        int b;
        do {
            b = in.read();
        } while (b >= 0 && b != 0xFF);
        do {
            b = in.read();
        } while (b == 0xFF);
        return b;
    }

    /** The first marker after a scan's entropy-coded data, or -1 at the stream's end. */
    private static int afterEntropyData(ImageInputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        boolean afterFF = false;
        for (int n; (n = in.read(buffer)) > 0; ) {
            for (int i = 0; i < n; i++) {
                int b = buffer[i] & 0xFF;
                if (afterFF && b != 0x00 && b != 0xFF && (b < 0xD0 || b > 0xD7)) {
                    in.seek(in.getStreamPosition() - (n - i - 1)); // back to just after the marker
                    return b;
                }
                afterFF = b == 0xFF;
            }
        }
        return -1;
    }
}
