package dev.mnistfcn.notadigit;

import dev.mnistfcn.Mnist;
import dev.mnistfcn.predict.NotADigit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The made negatives and the detector, on small inputs: what {@code calibrate} builds its check from. */
class MadeNegativesTest {
    @Test
    void everyKindIsDrawnWithInkAndTheSameSeedGivesTheSamePictures() {
        var made = new MadeNegatives();
        assertTrue(made.fonts() >= 6, "the DejaVu fonts are installed (fonts-dejavu-core): " + made.fonts());
        List<float[]> a = made.make(70, 5), b = made.make(70, 5);
        assertEquals(70, a.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "picture " + i);
            float ink = 0;
            for (float p : a.get(i)) {
                assertTrue(p >= 0 && p <= 1);
                ink += p;
            }
            assertTrue(ink > 5, "picture " + i + " holds ink: " + ink);
        }
        assertFalse(java.util.Arrays.equals(a.get(0), made.make(1, 6).get(0)), "another seed, another picture");
    }

    @Test
    void noDigitAndNoLetterWrittenLikeADigitIsTaughtAsANegative() {
        for (char c : "0123456789OoIlSsZzBbgq".toCharArray()) {
            assertEquals(-1, MadeNegatives.LETTERS.indexOf(c), "letter " + c);
            for (String s : MadeNegatives.SYMBOLS) assertEquals(-1, s.indexOf(c), "symbol " + s);
        }
    }

    @Test
    void aDigitRewrittenInAnotherHandKeepsItsInkAndTheSameSeedGivesTheSamePicture() {
        float[] one = new float[Mnist.PIXELS]; // a thick upright bar, as MNIST writes a 1
        for (int y = 5; y < 23; y++) for (int x = 12; x < 16; x++) one[y * 28 + x] = 1;
        var hands = new TrainingDigits();
        float[] a = hands.rewrite(one, 1, 7).orElseThrow(), b = hands.rewrite(one, 1, 7).orElseThrow();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, hands.rewrite(one, 1, 8).orElseThrow()), "another example, another hand");
        float ink = 0;
        for (float p : a) ink += p;
        assertTrue(ink > 20, "ink: " + ink);
        float[] thick = TrainingDigits.morph(one, 28, 1, true), thin = TrainingDigits.morph(one, 28, 1, false);
        assertEquals(1, thick[5 * 28 + 11]);   // a pixel left of the bar: inked by the thicker pen
        assertEquals(0, thin[5 * 28 + 12]);    // the bar's corner: gone with the thinner one
        assertEquals(1, thin[10 * 28 + 13]);   // its middle stays
    }

    @Test
    void theStoredDetectorAnswersAsTheDl4jNetworkItWasTrainedAs() {
        Random rnd = new Random(3);
        float[][] blobs = new float[200][Mnist.PIXELS], noise = new float[200][Mnist.PIXELS];
        for (int i = 0; i < 200; i++) {
            for (int p = 300; p < 500; p++) blobs[i][p] = rnd.nextFloat();
            for (int p = 0; p < Mnist.PIXELS; p++) noise[i][p] = rnd.nextFloat() < 0.3 ? rnd.nextFloat() : 0;
        }
        Detector detector = Detector.train(blobs, noise, 8, 2, 1);
        var stored = new NotADigit(detector.check(0.5, null));
        double[] dl4j = detector.digitProbabilities(Nd4j.create(new float[][]{blobs[0], noise[0], noise[1]}));
        assertEquals(dl4j[0], stored.digitProbability(blobs[0]), 1e-5);
        assertEquals(dl4j[1], stored.digitProbability(noise[0]), 1e-5);
        assertEquals(dl4j[2], stored.digitProbability(noise[1]), 1e-5);
        assertTrue(dl4j[0] > 0.5 && dl4j[1] < 0.5, "it learnt the two apart: " + java.util.Arrays.toString(dl4j));

        // two trainings as one stored check: the softmax of their averaged logits
        Detector other = Detector.train(blobs, noise, 8, 2, 2);
        var both = new NotADigit(Detector.averaged(java.util.List.of(detector, other), 0.5, null));
        double[] second = other.digitProbabilities(Nd4j.create(new float[][]{blobs[0], noise[0]}));
        for (int i = 0; i < 2; i++) {
            double logit = (Math.log(dl4j[i] / (1 - dl4j[i])) + Math.log(second[i] / (1 - second[i]))) / 2;
            assertEquals(1 / (1 + Math.exp(-logit)), both.digitProbability(i == 0 ? blobs[0] : noise[0]), 1e-5);
        }
    }
}
