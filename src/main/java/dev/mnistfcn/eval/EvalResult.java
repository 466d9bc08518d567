package dev.mnistfcn.eval;

import org.nd4j.evaluation.classification.Evaluation;

/**
 * DL4J's {@link Evaluation} of one data set plus the mean cross-entropy loss, the time it took, and each row's class
 * probabilities (row by row), so that the report's gallery of mistakes reads the same numbers without a second pass.
 */
public record EvalResult(Evaluation evaluation, double loss, int examples, double seconds, float[] probabilities) {
    public double accuracy() {
        return evaluation.accuracy();
    }
}
