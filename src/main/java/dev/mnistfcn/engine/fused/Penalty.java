package dev.mnistfcn.engine.fused;

import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

import java.util.List;

/**
 * L2 and weight decay on one range of parameters (a layer's weights or its biases), as DL4J's {@code UpdaterBlock}
 * applies them: L2 added to the gradient before the updater, weight decay to the update after it.
 *
 * @param l2          DL4J's {@code L2Regularization} coefficient (0: none)
 * @param decay       DL4J's {@code WeightDecay} coefficient (0: none)
 * @param decayWithLr its {@code applyLR}: the decay is scaled by the updater's current learning rate
 */
record Penalty(int from, int len, double l2, double decay, boolean decayWithLr) {
    /** The fixed coefficients of {@code rs}; {@link FusedSupport#forTraining} admits no other regularisation. */
    static Penalty of(List<Regularization> rs, int from, int len) {
        double l2 = 0;
        double decay = 0;
        boolean withLr = true;
        for (Regularization r : rs) {
            if (r instanceof L2Regularization l) l2 += l.getL2().valueAt(0, 0);
            if (r instanceof WeightDecay w) {
                decay += w.getCoeff().valueAt(0, 0);
                withLr = w.isApplyLR();
            }
        }
        return new Penalty(from, len, l2, decay, withLr);
    }

    /**
     * Before the update rule runs: L2 into the gradient (g += l2·p), and weight decay into the parameters. DL4J
     * adds scale·p to the update after the updater and then subtracts the update: p − u − scale·p; here p·(1 − scale)
     * now and p − u by the rule, the same value (the rule's u does not depend on p).
     */
    void beforeUpdate(float[] params, float[] grads, double learningRate) {
        if (l2 != 0) {
            float c = (float) l2;
            for (int i = from; i < from + len; i++) grads[i] += c * params[i];
        }
        if (decay != 0) {
            float keep = (float) (1 - decay * (decayWithLr ? learningRate : 1));
            for (int i = from; i < from + len; i++) params[i] *= keep;
        }
    }

    /** What DL4J adds to the score: ½·(l2 + decay)·Σp² (both penalties score alike, without the rate). */
    double score(float[] params) {
        if (l2 == 0 && decay == 0) return 0;
        double s = 0;
        for (int i = from; i < from + len; i++) s += (double) params[i] * params[i];
        return 0.5 * (l2 + decay) * s;
    }
}
