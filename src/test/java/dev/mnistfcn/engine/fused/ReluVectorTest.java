package dev.mnistfcn.engine.fused;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The vector ReLU backward step equals its definition, d = z > 0 ? d : 0, on lengths that are not whole vectors. */
class ReluVectorTest {
    @Test
    void keepsExactlyTheValuesWherePreactivationIsPositive() {
        Random random = new Random(3);
        for (int len : new int[]{0, 1, 15, 16, 17, 100, 12_801}) {
            float[] z = new float[len];
            float[] d = new float[len];
            for (int i = 0; i < len; i++) {
                z[i] = switch (i % 5) { case 0 -> 0f; case 1 -> -0f; default -> (float) random.nextGaussian(); };
                d[i] = (float) random.nextGaussian();
            }
            float[] expected = new float[len];
            for (int i = 0; i < len; i++) expected[i] = z[i] > 0f ? d[i] : 0f;
            ReluVector.keepWherePositive(d, z, len);
            assertArrayEquals(expected, d, "length " + len);
        }
    }
}
