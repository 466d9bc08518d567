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
    }
}
