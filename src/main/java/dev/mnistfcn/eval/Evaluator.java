package dev.mnistfcn.eval;

import dev.mnistfcn.Argmax;
import dev.mnistfcn.engine.Predictor;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Accuracy, per-class metrics and loss of a network on an in-memory data set, through DL4J's {@link Evaluation}, fed
 * here from the {@link Predictor}'s plain arrays.
 */
public final class Evaluator {
    /** Large batches: inference has no updater step, so fewer, bigger GEMMs are faster. */
    public static final int BATCH = 2_000;

    /** DL4J's {@code LossMCXENT} softmax clip (1e-10): probabilities below it count as it. */
    static final double CLIP = new LossMCXENT().getSoftmaxClipEps();

    private Evaluator() {
    }

    /** Accuracy, per-class figures and loss of {@code predictor} on {@code data}, in batches of {@value #BATCH}. */
    public static EvalResult evaluate(Predictor predictor, DataSet data) {
        long t0 = System.nanoTime();
        Evaluation eval = new Evaluation(data.getLabels().columns());
        int n = data.numExamples(), classes = (int) data.getLabels().columns();
        float[] all = new float[n * classes];
        double lossSum = 0;
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            INDArray x = data.getFeatures().get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            INDArray y = data.getLabels().get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            float[] p = predictor.probabilities(x);
            System.arraycopy(p, 0, all, from * classes, p.length);
            count(eval, p, Predictor.rowMajor(y), (int) y.columns());
            // Cross-entropy of the true class, clipped where DL4J's LossMCXENT clips it (as the training loss and
            // net.score() do; they add the regularisation term, this does not): a clamp at Keras's 1e-7 understated a
            // confident mistake's loss, and validation and training losses were two functions (a review).
            INDArray pTrue = Nd4j.create(p, y.shape(), 'c').mul(y).sum(1);
            lossSum -= Transforms.log(Transforms.max(pTrue, CLIP, false), false).sumNumber().doubleValue();
        }
        return new EvalResult(eval, lossSum / n, n, (System.nanoTime() - t0) / 1e9, all);
    }

    /**
     * Adds each row's most probable class and true class to {@code eval}: the counts {@code eval(labels, predictions)}
     * makes, one {@code eval(predicted, actual)} per row. Why not that call: it runs ND4J ops and reads the rows through
     * INDArray calls, and its JIT compilation alone took 0.5 s of a core during training's epochs 3-5 at batch 512
     * here (-XX:+LogCompilation), time the training threads lost on 2 cores.
     */
    private static void count(Evaluation eval, float[] probabilities, float[] labels, int classes) {
        for (float v : probabilities) {
            if (Float.isNaN(v)) { // as eval(labels, predictions) checks: argmax would read NaN as class 0
                throw new IllegalStateException("Cannot perform evaluation with NaNs present in predictions");
            }
        }
        for (int row = 0; row < labels.length; row += classes) {
            eval.eval(Argmax.of(probabilities, row, classes), Argmax.of(labels, row, classes));
        }
    }
}
