package dev.mnistfcn.digits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pictures admitted by their decoded size in bytes, against one budget; only the JDK's readers see them. */
class DecodeBudgetTest {
    @Test
    void oneBudgetForAllDecodes() {
        DecodeBudget budget = new DecodeBudget(100 << 20, 60 << 20);
        try (var a = budget.take(50 << 20, "a.png: a PNG")) {
            var busy = assertThrows(DecodeBudget.Busy.class, () -> budget.take(60 << 20, "b.png: a PNG"));
            assertEquals("b.png: a PNG would take 60 MiB to decode, and pictures being decoded now hold 50 MiB of the "
                    + "100 MiB this server decodes at once; try again in a moment", busy.getMessage());
            var large = assertThrows(DecodeBudget.TooLarge.class, () -> budget.take(61 << 20, "c.png: a PNG"));
            assertTrue(large.getMessage().startsWith("c.png: a PNG would take 61 MiB to decode, over the limit of 60 MiB "
                    + "per picture"), large.getMessage());
        }
        assertEquals(100 << 20, budget.available(), "given back");
        budget.take(60 << 20, "b.png").close();
    }

    /** 16-bit RGBA, 30 megapixels in one row: under the pixel limit, 233 KB, but 240 MB decoded. */
    @Test
    void aPixelDepthBombIsRefusedByItsBytesNotCalledDamaged() {
        byte[] bomb = DeepPngs.rgba16(30_000_000, 1);
        assertTrue(bomb.length < 300_000, bomb.length + " bytes");
        var e = assertThrows(DecodeBudget.TooLarge.class, () -> DigitImages.read(bomb, "deep.png"));
        assertTrue(e.getMessage().startsWith("deep.png: a PNG of 30,000,000×1 pixels, 64 bits each, would take "),
                e.getMessage());
        assertTrue(e.getMessage().contains("over the limit of 128 MiB per picture"), e.getMessage());
        // "save it with 8 bits per sample" told the owner of an 8-bit RGBA picture to do what was done (a review)
        assertTrue(e.getMessage().endsWith("or save it with fewer bits per pixel (8-bit grey or RGB, no alpha)"), e.getMessage());
        assertEquals(DecodeBudget.TOTAL_BYTES, DecodeBudget.SHARED.available(), "nothing held after a refusal");
    }

    @Test
    void aPictureHoldsItsShareWhileInUse() {
        byte[] png = DeepPngs.rgba16(1000, 1000); // 8 MB decoded
        long during = DigitImages.read(png, "deep.png", picture -> {
            assertEquals(16, picture.getColorModel().getComponentSize(0), "decoded as it is: 16-bit");
            return DecodeBudget.SHARED.available();
        });
        assertTrue(DecodeBudget.TOTAL_BYTES - during >= 8_000_000, "held " + (DecodeBudget.TOTAL_BYTES - during));
        assertEquals(DecodeBudget.TOTAL_BYTES, DecodeBudget.SHARED.available(), "given back");
    }

    /** A TIFF (which datavec's TwelveMonkeys reader would decode) is refused by name, whatever its file is called. */
    @Test
    void onlyTheJdksOwnFormatsAreRead(@TempDir Path dir) throws IOException {
        var tiff = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(new BufferedImage(50, 50, BufferedImage.TYPE_BYTE_GRAY), "tiff", tiff));
        Path file = dir.resolve("digit.png");
        Files.write(file, tiff.toByteArray());
        var e = assertThrows(UnacceptedFormat.class, () -> DigitImages.read(file));
        assertEquals(file + ": a TIFF picture; this service reads PNG, JPEG, BMP or GIF only: save or export it as PNG",
                e.getMessage());
        assertTrue(ReaderChoice.readerFor(javax.imageio.ImageIO.createImageInputStream(
                new java.io.ByteArrayInputStream(DigitImages.png(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB)))), "x")
                .getClass().getName().startsWith("com.sun.imageio.plugins.png."), "the JDK's PNG reader");
    }
}
