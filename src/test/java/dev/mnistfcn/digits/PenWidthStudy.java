package dev.mnistfcn.digits;

import dev.mnistfcn.TestData;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.predict.DigitClassifier;
import dev.mnistfcn.predict.Prediction;
import org.nd4j.linalg.dataset.DataSet;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A measurement, not a test: how well a model zip reads the same 300 MNIST test digits (rows 8, 39, …) written with
 * pens from 1 to 41 px wide on a 336 px digit (×12), the recipe's step 4b at work (docs/predict.md). Each digit's
 * centre line is drawn with a round pen ({@link HandwrittenDigits#withPen}), dark grey on light grey, and read
 * through {@link MnistRecipe#prepare}; "box width" is the strokes' width in 20×20 box pixels as step 4b measures it.
 * "Right" counts a digit refused by the zip's not-a-digit check (or "no digit found") as wrong.
 *
 * <pre>  java -cp target/classes:target/test-classes:$(cat target/cp.txt) dev.mnistfcn.digits.PenWidthStudy ZIP</pre>
 */
public final class PenWidthStudy {
    private static final int ZOOM = 12, SIDE = 28 * ZOOM, DIGITS = 300, LARGEST_RADIUS = 20;

    public static void main(String[] args) {
        DigitClassifier model = DigitClassifier.load(Path.of(args[0]), "auto");
        DataSet test = MnistSplits.loadTest(TestData.mnistDir());
        int[] right = new int[LARGEST_RADIUS + 1], refused = new int[LARGEST_RADIUS + 1];
        double[] boxWidth = new double[LARGEST_RADIUS + 1];
        for (int i = 0; i < DIGITS; i++) {
            int row = 8 + 31 * i;
            float[] mnist = test.getFeatures().getRow(row).toFloatVector();
            int label = test.getLabels().getRow(row).argMax().getInt(0);
            boolean[] line = HandwrittenDigits.centreLine(mnist, ZOOM);
            for (int r = 0; r <= LARGEST_RADIUS; r++) {
                BufferedImage picture = HandwrittenDigits.withPen(line, SIDE, r);
                boxWidth[r] += MnistRecipeTest.boxStroke(picture);
                var prepared = MnistRecipe.prepare(picture);
                Prediction p = prepared.map(model::classify).orElse(null);
                if (p == null || p.notADigit()) refused[r]++;
                else if (p.digit() == label) right[r]++;
            }
        }
        System.out.println("| pen, px | box width, px | right / refused (of " + DIGITS + ") |");
        System.out.println("|---:|---:|---:|");
        for (int r = 0; r <= LARGEST_RADIUS; r++) {
            System.out.printf(Locale.ROOT, "| %d | %.2f | %.1f%% / %.1f%% |%n", 2 * r + 1, boxWidth[r] / DIGITS,
                    100.0 * right[r] / DIGITS, 100.0 * refused[r] / DIGITS);
        }
    }
}
