package dev.mnistfcn.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A trained network's answers, whichever engine computes them: what evaluation, compare and bench call. */
public interface Predictor {
    /** Class probabilities, one row per row of {@code features} (what DL4J's {@code output(features, false)} gives). */
    INDArray probabilities(INDArray features);

    /** The most probable class of each row. */
    default int[] classify(INDArray features) {
        return probabilities(features).argMax(1).toIntVector();
    }
}
