package dev.mnistfcn.engine;

import dev.mnistfcn.Argmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained network's answers, whichever engine computes them: what evaluation, compare, bench, predict and serve
 * call. Thread-safe: many threads may call one predictor at once (a server's requests) and each gets the answer it
 * would get alone; the fused engine's calls run side by side, DL4J's take turns. Not while the same network trains.
 */
public interface Predictor {
    /** Class probabilities, one row per row of {@code features} (what DL4J's {@code output(features, false)} gives). */
    INDArray probabilities(INDArray features);

    /**
     * Class probabilities for {@code rows} rows of {@code features} given row by row, as one row-major array: what
     * a picture's answer needs, in plain arrays from end to end (ND4J stays inside the engine).
     */
    default float[] probabilities(float[] features, int rows) {
        INDArray p = probabilities(Nd4j.create(features, new long[]{rows, features.length / rows}, DataType.FLOAT));
        return p.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /** The most probable class of each row. */
    default int[] classify(INDArray features) {
        INDArray p = probabilities(features);
        return Argmax.ofRows(p.castTo(DataType.FLOAT).dup('c').data().asFloat(), (int) p.columns());
    }
}
