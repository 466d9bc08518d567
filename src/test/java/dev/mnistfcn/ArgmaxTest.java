package dev.mnistfcn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The code base's one argmax answers as ND4J's {@code argMax(1)}, which it replaced, ties included. */
class ArgmaxTest {
    @Test
    void rowsAsNd4jArgMax() {
        Random random = new Random(7);
        int rows = 1000;
        int classes = 10;
        float[] values = new float[rows * classes];
        for (int i = 0; i < values.length; i++) {
            // Few distinct values, so that many rows tie for their largest.
            values[i] = random.nextInt(4) / 4f;
        }
        INDArray matrix = Nd4j.create(values, new long[]{rows, classes}, 'c');
        int[] expected = matrix.argMax(1).castTo(DataType.INT).toIntVector();
        assertArrayEquals(expected, Argmax.ofRows(values, classes));
    }

    @Test
    void firstOfTiesAndOffsets() {
        assertEquals(1, Argmax.of(new float[]{0.1f, 0.4f, 0.4f, 0.1f}));
        assertEquals(0, Argmax.of(new float[]{0.25f, 0.25f, 0.25f, 0.25f}));
        float[] twoRows = {0.9f, 0.1f, 0f, 0.2f, 0.3f, 0.5f};
        assertEquals(0, Argmax.of(twoRows, 0, 3));
        assertEquals(2, Argmax.of(twoRows, 3, 3));
        assertArrayEquals(new int[]{0, 2}, Argmax.ofRows(twoRows, 3));
    }
}
