package dev.mnistfcn.eval;

import dev.mnistfcn.engine.Predictor;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Accuracy, per-class metrics and loss of a network on an in-memory data set, through DL4J's {@link Evaluation}. */
public final class Evaluator {
    /** Large batches: inference has no updater step, so fewer, bigger GEMMs are faster. */
    public static final int BATCH = 2_000;

    private Evaluator() {
    }

    /** Accuracy, per-class figures and loss of {@code predictor} on {@code data}, in batches of {@value #BATCH}. */
    public static EvalResult evaluate(Predictor predictor, DataSet data) {
        long t0 = System.nanoTime();
        Evaluation eval = new Evaluation(data.getLabels().columns());
        int n = data.numExamples();
        double lossSum = 0;
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            INDArray x = data.getFeatures().get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            INDArray y = data.getLabels().get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            INDArray p = predictor.probabilities(x);
            eval.eval(y, p);
            // Cross-entropy of the true class; the clamp keeps a confident mistake finite (as Keras does).
            INDArray pTrue = p.mul(y).sum(1);
            lossSum -= Transforms.log(Transforms.max(pTrue, 1e-7, false), false).sumNumber().doubleValue();
        }
        return new EvalResult(eval, lossSum / n, n, (System.nanoTime() - t0) / 1e9);
    }
}
