package dev.mnistfcn.engine;

import dev.mnistfcn.Argmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained network's answers, whichever engine computes them: what evaluation, compare, bench, predict and serve
 * call. Answers are plain float arrays, row-major ({@code rows × classes}): ND4J arrays stay inside the engines, and
 * DL4J's {@code Evaluation} is fed from these at its boundary in {@code eval}. Thread-safe: many threads may call
 * one predictor at once (a server's requests) and each gets the answer it would get alone; the fused engine's calls
 * run side by side, DL4J's take turns. Not while the same network trains.
 */
public interface Predictor {
    /**
     * Class probabilities for each row of {@code features} (a data set's rows, as they are in memory), one row of
     * classes after another: the values of DL4J's {@code output(features, false)}.
     */
    float[] probabilities(INDArray features);

    /** The same for {@code rows} rows given row by row in a plain array (a picture's 784 pixels: one row). */
    default float[] probabilities(float[] features, int rows) {
        return probabilities(Nd4j.create(features, new long[]{rows, features.length / rows}, DataType.FLOAT));
    }

    /** The most probable class of each row. */
    default int[] classify(INDArray features) {
        float[] p = probabilities(features);
        return features.rows() == 0 ? new int[0] : Argmax.ofRows(p, p.length / (int) features.rows());
    }

    /** The values of a matrix (or a view of one), row by row, as floats: an engine's answer, or one-hot labels. */
    static float[] rowMajor(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat(); // a copy of its own: a view's buffer is its parent's
    }
}
