package dev.mnistfcn.engine.fused;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.FloatBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sparse first layer's two products against their definitions, summed in double: widths that are whole blocks,
 * whole vectors or neither, one row to a few hundred (one and two workers), inputs from all zero to all non-zero
 * (each input's share of non-zero values from half to 1.5 times the case's density), with and without an input
 * dropout mask; the batch listed by input on the caller's thread or on a helper; no dense inputs (share 1), some,
 * or all (through the GEMM).
 */
class SparseFirstLayerTest {
    @ParameterizedTest(name = "{0} rows, {1}→{2}, density {3}, mask {4}, listed in the background {5}, dense from {6}")
    @CsvSource({
            "50, 784, 256, 0.19, false, true, 1",
            "50, 784, 256, 0.19, true, false, 1",
            "50, 784, 256, 0.19, true, false, 0.25",
            "1, 30, 7, 0.5, false, true, 0.25",
            "9, 100, 37, 1.0, true, true, 1",
            "9, 100, 37, 1.0, true, true, 0.25",
            "300, 64, 300, 0.1, false, false, 1",
            "300, 64, 300, 0.3, false, false, 0.25",
            "300, 64, 300, 0.3, true, true, 0.25",
            "16, 20, 16, 0.0, false, true, 0.25",
    })
    void productsMatchTheirDefinitions(int n, int in, int out, double density, boolean masked, boolean background,
                                       double denseShare) {
        Random random = new Random(n * 31L + in);
        int total = n + 5; // the batch picks rows out of a larger set, in shuffled order
        float[] features = new float[total * in];
        for (int i = 0; i < features.length; i++) {
            if (random.nextDouble() < density * (0.5 + (double) (i % in) / in)) features[i] = random.nextFloat() + 0.01f;
        }
        int[] rows = new int[n];
        for (int r = 0; r < n; r++) rows[r] = (r * 7 + 3) % total;
        float[] mask = null;
        if (masked) {
            mask = new float[n * in];
            for (int i = 0; i < mask.length; i++) mask[i] = random.nextDouble() < 0.8 ? 1.25f : 0f;
        }
        int wOffset = 3;
        int bOffset = wOffset + in * out + 2;
        float[] params = new float[bOffset + out];
        for (int i = 0; i < params.length; i++) params[i] = (float) random.nextGaussian();
        float[] delta = new float[n * out];
        for (int i = 0; i < delta.length; i++) delta[i] = (float) random.nextGaussian();

        var layer = new SparseFirstLayer(in, out);
        var listing = SparseFirstLayer.Listing.of(FloatBuffer.wrap(features), total, in, denseShare);
        if (denseShare < 1 && density > 0) assertTrue(listing.dense().length > 0, "some inputs dense");
        if (density < 1) assertTrue(listing.dense().length < in, "some inputs listed");
        layer.gather(listing, rows, mask);
        float[] z = new float[n * out];
        layer.forward(params, wOffset, params, bOffset, z, n);
        if (background) layer.listByInputInBackground();
        float[] g = new float[wOffset + in * out];
        java.util.Arrays.fill(g, Float.NaN); // every gradient value must be written, zero rows included
        layer.weightGradient(delta, g, wOffset);

        for (int r = 0; r < n; r++) {
            for (int j = 0; j < out; j++) {
                double expected = params[bOffset + j];
                for (int k = 0; k < in; k++) expected += x(features, mask, rows, r, k, in) * params[wOffset + k * out + j];
                assertEquals(expected, z[r * out + j], 1e-4 * (1 + Math.abs(expected)), "z[" + r + "][" + j + "]");
            }
        }
        for (int k = 0; k < in; k++) {
            for (int j = 0; j < out; j++) {
                double expected = 0;
                for (int r = 0; r < n; r++) expected += x(features, mask, rows, r, k, in) * delta[r * out + j];
                assertEquals(expected, g[wOffset + k * out + j], 1e-4 * (1 + Math.abs(expected)), "g[" + k + "][" + j + "]");
            }
        }
    }

    private static double x(float[] features, float[] mask, int[] rows, int r, int k, int in) {
        return features[rows[r] * in + k] * (mask == null ? 1f : mask[r * in + k]);
    }
}
