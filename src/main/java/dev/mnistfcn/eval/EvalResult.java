package dev.mnistfcn.eval;

import org.nd4j.evaluation.classification.Evaluation;

/** DL4J's {@link Evaluation} of one data set plus the mean cross-entropy loss and the time it took. */
public record EvalResult(Evaluation evaluation, double loss, int examples, double seconds) {
    public double accuracy() {
        return evaluation.accuracy();
    }
}
