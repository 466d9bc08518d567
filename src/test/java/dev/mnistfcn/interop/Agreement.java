package dev.mnistfcn.interop;

import com.fasterxml.jackson.databind.JsonNode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** How an imported network's answers on the test set compare with those of the framework that trained it. */
record Agreement(int sameDigit, int correct, double maxDiff, double inferenceSeconds) {

    static Agreement of(MultiLayerNetwork net, DataSet test, JsonNode predicted, float[][] reference) {
        long t0 = System.nanoTime();
        float[][] p = net.output(test.getFeatures()).toFloatMatrix();
        double seconds = (System.nanoTime() - t0) / 1e9;
        int same = 0;
        int correct = 0;
        double maxDiff = 0;
        for (int i = 0; i < p.length; i++) {
            int ours = argmax(p[i]);
            same += ours == predicted.get(i).asInt() ? 1 : 0;
            correct += test.getLabels().getFloat(i, ours) == 1f ? 1 : 0;
            for (int d = 0; d < 10; d++) maxDiff = Math.max(maxDiff, Math.abs(p[i][d] - reference[i][d]));
        }
        return new Agreement(same, correct, maxDiff, seconds);
    }

    /** A [N, 10] float32 little-endian file, as scripts/interop_check.py writes probabilities. */
    static float[][] read(Path file) throws IOException {
        var buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[][] rows = new float[buf.remaining() / 10][10];
        for (float[] row : rows) buf.get(row);
        return rows;
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int d = 1; d < p.length; d++) if (p[d] > p[best]) best = d;
        return best;
    }
}
