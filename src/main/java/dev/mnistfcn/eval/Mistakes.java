package dev.mnistfcn.eval;

import dev.mnistfcn.Argmax;
import dev.mnistfcn.engine.Predictor;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The test digits a network gets wrong with the most confidence, with their pixels for a gallery. */
public final class Mistakes {
    /** One misclassified test image: its index in t10k, labels, the softmax probability of the wrong guess. */
    public record Mistake(int index, int trueLabel, int predicted, double confidence, float[] pixels) {
    }

    private Mistakes() {
    }

    public static List<Mistake> mostConfident(Predictor predictor, DataSet test, int n) {
        return mostConfident(predictor.probabilities(test.getFeatures()), test, n);
    }

    /** As above, from the probabilities an evaluation already computed ({@link EvalResult#probabilities}). */
    public static List<Mistake> mostConfident(float[] probs, DataSet test, int n) {
        int classes = (int) test.getLabels().columns();
        int[] predicted = Argmax.ofRows(probs, classes);
        int[] truth = Argmax.ofRows(Predictor.rowMajor(test.getLabels()), classes);
        List<Mistake> wrong = new ArrayList<>();
        for (int i = 0; i < test.numExamples(); i++) {
            int p = predicted[i];
            int t = truth[i];
            if (p != t) {
                wrong.add(new Mistake(i, t, p, probs[i * classes + p], null));
            }
        }
        wrong.sort(Comparator.comparingDouble(Mistake::confidence).reversed().thenComparingInt(Mistake::index));
        List<Mistake> out = new ArrayList<>();
        for (Mistake m : wrong.subList(0, Math.min(n, wrong.size()))) {
            out.add(new Mistake(m.index(), m.trueLabel(), m.predicted(), m.confidence(),
                    test.getFeatures().getRow(m.index()).toFloatVector()));
        }
        return out;
    }
}
