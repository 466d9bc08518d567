package dev.mnistfcn.digits;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Uploaded bytes through the decoder and the MNIST recipe, as the server and {@code predict} take them. For any
 * bytes the only allowed failure is {@link UnreadableImage} (a user error with a message); anything else thrown
 * (NPE, an index out of bounds, an OutOfMemoryError, a decoder's own exception) is a finding.
 *
 * <p>{@code mvn test} replays the seeds below and every input in PictureFuzzTestInputs/decodeAndPrepare (past
 * findings); {@code scripts/fuzz.sh} fuzzes.
 */
class PictureFuzzTest {
    @MethodSource("pictures")
    @FuzzTest(maxDuration = "30s")
    void decodeAndPrepare(byte[] bytes) {
        Optional<float[]> pixels;
        try {
            pixels = MnistRecipe.prepare(DigitImages.read(bytes, "fuzz input"));
        } catch (UnreadableImage expected) {
            assertTrue(expected.getMessage().startsWith("fuzz input: "), expected.getMessage());
            return;
        }
        pixels.ifPresent(p -> {
            assertEquals(784, p.length);
            for (float v : p) assertTrue(v >= 0 && v <= 1, "pixel " + v);
        });
    }

    /**
     * Found by the fuzzer: "GIF8" and one byte more made the GIF reader's signature check read past the end, and
     * the EOFException left {@link DigitImages#read(byte[], String)} as an UncheckedIOException (a 500 from serve).
     */
    @Test
    void gifSignatureThatEndsIsNotAnImage() {
        byte[] bytes = {'G', 'I', 'F', '8', 'B'};
        String message = assertThrows(UnreadableImage.class, () -> DigitImages.read(bytes, "cut.gif")).getMessage();
        assertTrue(message.startsWith("cut.gif: not an image ImageIO can read"), message);
    }

    /** Small pictures in each format and layout the decoder has a path for: the fuzzer's starting points. */
    static Stream<byte[]> pictures() {
        return Stream.of(
                write(digit(BufferedImage.TYPE_BYTE_GRAY, 12), "png"),
                write(digit(BufferedImage.TYPE_INT_ARGB, 10), "png"),
                write(digit(BufferedImage.TYPE_USHORT_GRAY, 9), "png"),
                write(digit(BufferedImage.TYPE_BYTE_INDEXED, 8), "png"),
                write(digit(BufferedImage.TYPE_3BYTE_BGR, 16), "jpeg"),
                write(digit(BufferedImage.TYPE_BYTE_GRAY, 16), "jpeg"),
                write(digit(BufferedImage.TYPE_BYTE_INDEXED, 8), "gif"),
                write(digit(BufferedImage.TYPE_3BYTE_BGR, 8), "bmp"),
                write(digit(BufferedImage.TYPE_BYTE_GRAY, 8), "bmp"));
    }

    /** A dark stroke on light paper, {@code side} pixels square. */
    private static BufferedImage digit(int type, int side) {
        var picture = new BufferedImage(side, side, type);
        Graphics2D g = picture.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, side, side);
        g.setColor(Color.BLACK);
        g.fillRect(side / 3, side / 4, Math.max(1, side / 5), side / 2);
        g.dispose();
        return picture;
    }

    private static byte[] write(BufferedImage picture, String format) {
        var bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(picture, format, bytes)) throw new IllegalStateException("no " + format + " writer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
