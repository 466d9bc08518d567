package dev.mnistfcn.data;

import dev.mnistfcn.DocsPictures;
import dev.mnistfcn.TestData;
import dev.mnistfcn.config.AugmentSpec;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.DataSpec;
import dev.mnistfcn.digits.DigitImages;
import dev.mnistfcn.storage.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docs/augment-strip.png}: ten training digits as MNIST has them (top row), then as four epochs of
 * config/best-mlp.yaml's {@code data.augment} distort them, made by {@link Distortion} itself. Always rendered (into
 * {@code target/docs-pictures/}) and checked; written into {@code docs/} with
 * {@code mvn -q -o test -Dtest=AugmentStripTest -Dsurefire.failIfNoSpecifiedTests=false -Ddocs.write=true}.
 */
class AugmentStripTest {
    private static final int ZOOM = 4, GAP = 4, DIGITS = 10, EPOCHS = 4;

    @Test
    void theStripShowsEachDigitAndFourEpochsOfItsDistortions() throws IOException {
        AugmentSpec spec = ConfigLoader.load(Path.of("config/best-mlp.yaml"), Map.of()).data().augment();
        DataSet train = MnistSplits.load(new DataSpec(null, TestData.mnistDir().toString(), 5000, 100),
                TestData.mnistDir()).train();
        int cell = 28 * ZOOM + GAP;
        var strip = new BufferedImage(DIGITS * cell + GAP, (EPOCHS + 1) * cell + GAP + 2 * GAP, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = strip.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, strip.getWidth(), strip.getHeight());
        Distortion d = new Distortion(spec, 28);
        float[] out = new float[784];
        int changed = 0;
        for (int i = 0; i < DIGITS; i++) {
            float[] digit = train.getFeatures().getRow(i).toFloatVector();
            draw(strip, digit, GAP + i * cell, GAP);
            for (int e = 1; e <= EPOCHS; e++) {
                d.apply(digit, out, 1, e, i); // seed 1, as best-mlp's first seed draws them
                draw(strip, out, GAP + i * cell, GAP + e * cell + 2 * GAP);
                if (!java.util.Arrays.equals(out, digit)) changed++;
            }
        }
        g.setColor(Color.GRAY);
        g.fillRect(0, cell + GAP / 2 + GAP, strip.getWidth(), 1); // originals above the line
        g.dispose();
        assertEquals(DIGITS * EPOCHS, changed, "every distorted digit differs from its original");
        Path png = DocsPictures.path("augment-strip.png");
        AtomicFiles.writeAtomically(png, o -> o.write(DigitImages.png(strip)));
        BufferedImage back = DigitImages.read(png);
        assertEquals(strip.getWidth(), back.getWidth());
        assertTrue(back.getHeight() > 5 * 28 * ZOOM);
    }

    /** One digit, ink dark on white, each pixel a ZOOM × ZOOM square. */
    private static void draw(BufferedImage strip, float[] pixels, int x0, int y0) {
        for (int y = 0; y < 28 * ZOOM; y++) {
            for (int x = 0; x < 28 * ZOOM; x++) {
                int level = 255 - Math.round(255 * Math.min(1f, Math.max(0f, pixels[(y / ZOOM) * 28 + x / ZOOM])));
                strip.getRaster().setSample(x0 + x, y0 + y, 0, level);
            }
        }
    }
}
