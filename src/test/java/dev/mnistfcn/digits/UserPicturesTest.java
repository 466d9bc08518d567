package dev.mnistfcn.digits;

import dev.mnistfcn.Mnist;
import dev.mnistfcn.TestData;
import dev.mnistfcn.TestModels;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.predict.DigitClassifier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.awt.image.BufferedImage;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recipe's purpose, measured: 300 MNIST test digits redrawn as people's pictures ({@link UserPictures}: dark on
 * light, ×4–×12, off-centre on non-square canvases, noise and specks, JPEG, transparent RGBA), read back from their
 * file bytes and classified by a real two-layer.yaml model. The recipe must get ≥ 90% right and beat a naive resize.
 */
@Tag("slow") // trains a model before it reads the pictures (docs/tests.md#test-tiers)
class UserPicturesTest {
    static final int DIGITS = 300;

    @Test
    void theRecipeGetsPeoplesPicturesRightWhereANaiveResizeDoesNot() {
        DigitClassifier model = DigitClassifier.load(TestModels.twoLayer(), "auto");
        DataSet test = MnistSplits.loadTest(TestData.mnistDir());
        int step = Mnist.TEST_FILE_SIZE / DIGITS;
        int recipe = 0, naive = 0, naiveInverted = 0, untouched = 0, noDigit = 0;
        int[] perKind = new int[UserPictures.Kind.values().length];
        for (int n = 0; n < DIGITS; n++) {
            int row = n * step;
            float[] mnist = test.getFeatures().getRow(row).toFloatVector();
            int label = test.getLabels().getRow(row).argMax().getInt(0);
            UserPictures.Kind kind = UserPictures.Kind.values()[n % perKind.length];
            BufferedImage picture = DigitImages.read(UserPictures.draw(mnist, kind, row), "digit " + row);

            var prepared = MnistRecipe.prepare(picture);
            if (prepared.isEmpty()) {
                noDigit++;
            } else if (model.classify(prepared.get()).digit() == label) {
                recipe++;
                perKind[kind.ordinal()]++;
            }
            float[] resized = naiveResize(picture);
            if (model.classify(resized).digit() == label) naive++;
            for (int i = 0; i < resized.length; i++) resized[i] = 1 - resized[i];
            if (model.classify(resized).digit() == label) naiveInverted++;
            if (model.classify(mnist).digit() == label) untouched++;
        }
        System.out.printf(Locale.ROOT, "%d MNIST test digits as people's pictures, two-layer model trained for the test "
                        + "(%.2f%% on MNIST's test set): MNIST recipe %.1f%%, naive resize to 28×28 %.1f%%, naive resize "
                        + "inverted %.1f%%, the same digits untouched %.1f%%; no digit found: %d; recipe right per kind "
                        + "(of %d each): %s%n", DIGITS, 100 * TestModels.twoLayerTestAccuracy(), 100.0 * recipe / DIGITS,
                100.0 * naive / DIGITS, 100.0 * naiveInverted / DIGITS, 100.0 * untouched / DIGITS, noDigit,
                DIGITS / perKind.length, java.util.Arrays.toString(perKind));
        assertEquals(0, noDigit, "every picture holds a digit");
        assertTrue(recipe >= 0.9 * DIGITS, "recipe right on " + recipe + " of " + DIGITS);
        assertTrue(recipe > naive && recipe > naiveInverted, "the recipe beats a naive resize");
    }

    /**
     * Digits written with a ballpoint on a large picture ({@link HandwrittenDigits.Pen#BALLPOINT}: strokes 1-5 px on
     * a 224-392 px digit), which the recipe widens before fitting them in 20×20: read about as well as the same
     * digits untouched. Unwidened they were faint ghosts: 77.3% of 300 right with the 20-epoch two-layer model
     * (docs/predict.md).
     */
    @Test
    void ballpointDigitsOnLargePicturesAreReadAsWellAsMnistsOwn() {
        DigitClassifier model = DigitClassifier.load(TestModels.twoLayer(), "auto");
        DataSet test = MnistSplits.loadTest(TestData.mnistDir());
        int n = 100, recipe = 0, untouched = 0;
        for (int i = 0; i < n; i++) {
            int row = 8 + 99 * i;
            float[] mnist = test.getFeatures().getRow(row).toFloatVector();
            int label = test.getLabels().getRow(row).argMax().getInt(0);
            byte[] file = HandwrittenDigits.draw(mnist, HandwrittenDigits.Pen.BALLPOINT, row);
            var prepared = MnistRecipe.prepare(DigitImages.read(file, "digit " + row));
            if (prepared.isPresent() && model.classify(prepared.get()).digit() == label) recipe++;
            if (model.classify(mnist).digit() == label) untouched++;
        }
        System.out.printf(Locale.ROOT, "%d MNIST test digits written with a ballpoint: recipe %d%% right, the same digits "
                + "untouched %d%%%n", n, 100 * recipe / n, 100 * untouched / n);
        assertTrue(recipe >= untouched - 8, "recipe right on " + recipe + " of " + n + ", untouched " + untouched);
    }

    /** What a developer without the recipe does: grey, and the whole picture scaled to 28×28. */
    static float[] naiveResize(BufferedImage picture) {
        GreyPicture grey = GreyPicture.of(picture);
        float[] rows = new float[grey.height() * 28];
        for (int y = 0; y < grey.height(); y++) {
            AreaAverage.resample(grey.values(), y * grey.width(), 1, grey.width(), rows, y * 28, 1, 28);
        }
        float[] out = new float[Mnist.PIXELS];
        for (int x = 0; x < 28; x++) AreaAverage.resample(rows, x, 28, grey.height(), out, x, 28, 28);
        return out;
    }
}
