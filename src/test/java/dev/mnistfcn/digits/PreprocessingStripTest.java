package dev.mnistfcn.digits;

import dev.mnistfcn.DocsPictures;
import dev.mnistfcn.TestData;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.storage.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample pictures of {@code docs/samples/} and the before/after strip {@code docs/preprocessing-strip.png}:
 * people's pictures on top, the 28×28 digits the model saw below. Always rendered (into a temporary folder) and
 * checked; written into {@code docs/} with
 * {@code mvn -q -o test -Dtest=PreprocessingStripTest -Dsurefire.failIfNoSpecifiedTests=false -Ddocs.write=true}.
 */
class PreprocessingStripTest {
    static final int CELL = 140;

    /** File name → bytes: MNIST test digits redrawn as people's pictures, a drawn "2", and a text file. */
    static Map<String, byte[]> samples() {
        DataSet test = MnistSplits.loadTest(TestData.mnistDir());
        Map<String, byte[]> files = new LinkedHashMap<>();
        // Test rows 0, 1, 4, 3: a 7, a 2, a 4, a 0.
        files.put("pencil-on-grey.png", UserPictures.draw(digit(test, 0), UserPictures.Kind.NOISY_GREY_PNG, 10, 6));
        files.put("blue-pen.jpg", UserPictures.draw(digit(test, 1), UserPictures.Kind.BLUE_PEN_JPEG, 11, 7));
        files.put("canvas-export.png", UserPictures.draw(digit(test, 4), UserPictures.Kind.TRANSPARENT_CANVAS, 12, 5));
        files.put("yellow-paper.png", UserPictures.draw(digit(test, 3), UserPictures.Kind.YELLOW_PAPER_PNG, 13, 4));
        // Row 15, a 5, written with a ballpoint on a large picture: its fine strokes are widened (the recipe's 4b).
        files.put("ballpoint.jpg", HandwrittenDigits.draw(digit(test, 15), HandwrittenDigits.Pen.BALLPOINT, 2));
        files.put("drawn-two.png", UserPictures.png(SyntheticDigits.two(260, 160, 150, 20, 120, new Color(245, 245, 240),
                new Color(30, 30, 30), BufferedImage.TYPE_INT_RGB)));
        files.put("not-a-picture.png", "a shopping list, not a picture\n".getBytes(StandardCharsets.UTF_8));
        return files;
    }

    private static float[] digit(DataSet test, int row) {
        return test.getFeatures().getRow(row).toFloatVector();
    }

    /** Each picture fitted into a cell on top (on a chequerboard, so transparency shows), its 28×28 form below. */
    static BufferedImage strip(List<BufferedImage> pictures) {
        var strip = new BufferedImage(pictures.size() * (CELL + 8) + 8, 2 * CELL + 24, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = strip.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, strip.getWidth(), strip.getHeight());
        for (int i = 0; i < pictures.size(); i++) {
            BufferedImage p = pictures.get(i);
            int x = 8 + i * (CELL + 8);
            double scale = (double) CELL / Math.max(p.getWidth(), p.getHeight());
            int w = (int) Math.round(p.getWidth() * scale), h = (int) Math.round(p.getHeight() * scale);
            for (int cy = 0; cy < h; cy += 10) {
                for (int cx = 0; cx < w; cx += 10) {
                    g.setColor((cx + cy) / 10 % 2 == 0 ? new Color(220, 220, 220) : new Color(250, 250, 250));
                    g.fillRect(x + cx, 8 + cy, Math.min(10, w - cx), Math.min(10, h - cy));
                }
            }
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.drawImage(p, x, 8, w, h, null);
            // What the model saw, enlarged 5× with hard pixel edges.
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(MnistRecipe.toPicture(MnistRecipe.prepare(p).orElseThrow()), x, CELL + 16, CELL, CELL, null);
        }
        g.dispose();
        return strip;
    }

    @Test
    void theSamplesAndTheStrip(@TempDir Path tmp) throws IOException {
        boolean toDocs = DocsPictures.toDocs();
        Path samples = toDocs ? Path.of("docs/samples") : tmp.resolve("samples");
        List<BufferedImage> pictures = new ArrayList<>();
        for (var e : samples().entrySet()) {
            AtomicFiles.writeAtomically(samples.resolve(e.getKey()), out -> out.write(e.getValue()));
            if (!e.getKey().startsWith("not-")) pictures.add(DigitImages.read(samples.resolve(e.getKey())));
            assertTrue(e.getValue().length < 120_000, e.getKey() + " is small: " + e.getValue().length);
        }
        BufferedImage strip = strip(pictures);
        Path png = DocsPictures.path("preprocessing-strip.png");
        AtomicFiles.writeAtomically(png, out -> out.write(DigitImages.png(strip)));
        assertEquals(6 * (CELL + 8) + 8, DigitImages.read(png).getWidth());
    }
}
