package dev.mnistfcn.digits;

import dev.mnistfcn.UserError;

import java.util.Locale;
import java.util.concurrent.Semaphore;

/**
 * Memory for decoding pictures, in bytes, shared by every decode in this JVM (the server's requests, {@code predict}'s
 * files). A picture is admitted by what its header says it will take once decoded (see {@link DigitImages}), before
 * any pixel is decoded: counting pixels is not enough, a 30-megapixel 16-bit RGBA PNG of 233 KB decodes to 240 MB
 * (and the PNG reader holds two of its rows besides). Over {@link #perPicture}: {@link TooLarge}; the budget taken by
 * decodes in progress: {@link Busy}, without waiting, so that a request thread is never parked behind a large one.
 */
public final class DecodeBudget {
    /** What all decodes at once may take: a quarter of the 1 GiB heap the CLI gives its JVM (cli/NativeSettings). */
    public static final long TOTAL_BYTES = 256L << 20;
    /** The most one picture may take: a 40-megapixel RGB photo (120 MB) fits, with its working rows. */
    public static final long PER_PICTURE_BYTES = 128L << 20;
    static final DecodeBudget SHARED = new DecodeBudget(TOTAL_BYTES, PER_PICTURE_BYTES);

    private final long total;
    private final long perPicture;
    private final Semaphore bytes;

    DecodeBudget(long total, long perPicture) {
        if (total > Integer.MAX_VALUE || perPicture > total) throw new IllegalArgumentException(total + " / " + perPicture);
        this.total = total;
        this.perPicture = perPicture;
        this.bytes = new Semaphore((int) total, true);
    }

    /** The bytes now free, for tests and logs. */
    long available() {
        return bytes.availablePermits();
    }

    /**
     * Takes {@code need} bytes for the picture {@code what} (e.g. "request body: PNG of 30,000,000×1 pixels, 16-bit
     * RGBA"), to be given back by closing the answer.
     */
    Held take(long need, String what) {
        if (need > perPicture) {
            throw new TooLarge(String.format(Locale.ROOT, "%s would take %s to decode, over the limit of %s per picture; "
                    + "scale it down first (a digit needs no more than a few hundred pixels a side) or save it with "
                    + "fewer bits per pixel (8-bit grey or RGB, no alpha)", what, mib(need), mib(perPicture)), need, perPicture);
        }
        int n = (int) Math.max(1, need);
        if (!bytes.tryAcquire(n)) {
            throw new Busy(String.format(Locale.ROOT, "%s would take %s to decode, and pictures being decoded now hold "
                    + "%s of the %s this server decodes at once; try again in a moment", what, mib(need),
                    mib(total - bytes.availablePermits()), mib(total)));
        }
        return () -> bytes.release(n);
    }

    static String mib(long bytes) {
        return bytes >= 10L << 20 ? String.format(Locale.ROOT, "%,d MiB", bytes >> 20)
                : String.format(Locale.ROOT, "%,.1f MiB", bytes / 1048576.0);
    }

    /** Bytes taken from the budget; closing gives them back. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** A picture that would take more memory to decode than any one picture may: HTTP 413. */
    public static final class TooLarge extends UnreadableImage {
        public final long bytes;
        public final long limit;

        TooLarge(String message, long bytes, long limit) {
            super(message);
            this.bytes = bytes;
            this.limit = limit;
        }
    }

    /** Decodes in progress hold the budget: HTTP 503, try again. Not the picture's fault. */
    public static final class Busy extends UserError {
        Busy(String message) {
            super(message);
        }
    }
}
