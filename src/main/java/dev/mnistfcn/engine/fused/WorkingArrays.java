package dev.mnistfcn.engine.fused;

import dev.mnistfcn.FloatView;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/** Working arrays for one batch size: off-heap where a GEMM reads or writes them, heap copies for Java loops. */
final class WorkingArrays {
    final boolean training;             // inference applies no dropout, as DL4J's output(x, false)
    final Gemm.Matrix xMatrix;
    final FloatBuffer xBuf;
    final float[] labels;
    final Gemm.Matrix[] outMatrix;
    final FloatBuffer[] outBuf;
    final Gemm.Matrix[] deltaMatrix;
    final FloatBuffer[] deltaBuf;
    final float[][] z;
    final float[][] a;
    final float[][] delta;
    private final int inputs;
    private final int classes;
    private float[] droppedInput;
    private final float[][] dropped;

    WorkingArrays(int[] width, int n, boolean training) {
        int layers = width.length - 1;
        this.training = training;
        inputs = width[0];
        classes = width[layers];
        dropped = new float[layers][];
        INDArray x = training ? Nd4j.create(DataType.FLOAT, n, width[0]) : null;
        xMatrix = training ? Gemm.Matrix.of(x) : null;
        xBuf = training ? FloatView.of(x) : null;
        labels = training ? new float[n * width[layers]] : null;
        outMatrix = new Gemm.Matrix[layers];
        outBuf = new FloatBuffer[layers];
        deltaMatrix = new Gemm.Matrix[layers];
        deltaBuf = new FloatBuffer[layers];
        z = new float[layers][];
        a = new float[layers][];
        delta = new float[layers][];
        for (int i = 0; i < layers; i++) {
            int m = width[i + 1];
            INDArray out = Nd4j.create(DataType.FLOAT, n, m);
            outMatrix[i] = Gemm.Matrix.of(out);
            outBuf[i] = FloatView.of(out);
            z[i] = new float[n * m];
            a[i] = new float[n * m];
            if (training) {
                INDArray d = Nd4j.create(DataType.FLOAT, n, m);
                deltaMatrix[i] = Gemm.Matrix.of(d);
                deltaBuf[i] = FloatView.of(d);
                delta[i] = new float[n * m];
            }
        }
    }

    /** A heap copy of the input rows, to drop values in. */
    float[] droppedInput() {
        if (droppedInput == null) droppedInput = new float[xBuf.capacity()];
        return droppedInput;
    }

    /** Layer {@code i}'s activations after dropout ({@link #a} keeps them before, for the derivative). */
    float[] dropped(int i, int len) {
        if (dropped[i] == null) dropped[i] = new float[len];
        return dropped[i];
    }

    /** Copies the chosen rows' inputs straight from the preloaded matrix (no ND4J op per batch). */
    void gatherInputs(DataSet data, int[] rows) {
        FloatBuffer features = FloatView.of(data.getFeatures());
        for (int r = 0; r < rows.length; r++) xBuf.put(r * inputs, features, rows[r] * inputs, inputs);
    }

    void gatherLabels(DataSet data, int[] rows) {
        FloatBuffer targets = FloatView.of(data.getLabels());
        for (int r = 0; r < rows.length; r++) targets.get(rows[r] * classes, labels, r * classes, classes);
    }
}
