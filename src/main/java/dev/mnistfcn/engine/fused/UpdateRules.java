package dev.mnistfcn.engine.fused;

import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

import java.nio.FloatBuffer;

/**
 * DL4J's update rules (the ones {@link FusedSupport} admits) on heap copies of all parameters at once, at the
 * learning rate DL4J's updater would use: {@code config.getLearningRate(iteration, epoch)}, which is the schedule's
 * {@code valueAt(iteration, epoch)} where there is a schedule — the same call on the same object as DL4J's.
 *
 * <p>Why not DL4J's updater: libnd4j's Adam op alone takes ~2 ms for the tutorial's 218k parameters (its
 * element-wise {@code sqrt} runs at ~5 ns per float); the same loop in Java, vectorised by the JIT, ~0.1 ms.
 */
final class UpdateRules {
    private UpdateRules() {
    }

    /** One update of {@code params} from {@code grads}, both in the layout of {@code net.params()}. */
    interface Rule {
        void apply(float[] params, float[] grads, int iteration, int epoch);

        /** The learning rate DL4J's updater uses at this count: its schedule's value where it has one. */
        double learningRate(int iteration, int epoch);

        /** Writes state kept on the heap back into DL4J's updater state. */
        default void writeBack() {
        }
    }

    /** The rule for DL4J's updater {@code u}, starting from its current state. */
    static Rule of(GradientUpdater<?> u, int length) {
        if (u instanceof AdamUpdater a) return new AdamRule(a, length);
        return new SgdRule((Sgd) u.getConfig());
    }

    /** DL4J's SGD: p −= lr·g. */
    private record SgdRule(Sgd config) implements Rule {
        @Override
        public void apply(float[] params, float[] grads, int iteration, int epoch) {
            float lr = (float) learningRate(iteration, epoch);
            for (int i = 0; i < params.length; i++) params[i] -= lr * grads[i];
        }

        @Override
        public double learningRate(int iteration, int epoch) {
            return config.getLearningRate(iteration, epoch);
        }
    }

    /** DL4J's Adam on heap copies of its moments; they go back to DL4J's state array only in {@link #writeBack}. */
    private static final class AdamRule implements Rule {
        private final Adam config;
        private final FloatBuffer mBuf;
        private final FloatBuffer vBuf;
        private final float[] m;
        private final float[] v;

        AdamRule(AdamUpdater updater, int length) {
            config = updater.getConfig();
            mBuf = FusedDenseNetwork.floats(updater.getM());
            vBuf = FusedDenseNetwork.floats(updater.getV());
            m = new float[length];
            v = new float[length];
            mBuf.get(0, m);
            vBuf.get(0, v);
        }

        @Override
        public void apply(float[] params, float[] grads, int iteration, int epoch) {
            adam(config, iteration, epoch, params, grads, m, v);
        }

        @Override
        public double learningRate(int iteration, int epoch) {
            return config.getLearningRate(iteration, epoch);
        }

        @Override
        public void writeBack() {
            mBuf.put(0, m);
            vBuf.put(0, v);
        }
    }

    /**
     * One Adam step on {@code p} with moments {@code m}, {@code v}, as libnd4j's {@code adamUpdater} computes it:
     * bias correction folded into the step size, ε not rescaled. No flush-to-zero: the moments of weights that
     * never see a gradient (MNIST's blank border pixels) end up subnormal, but in this vectorised loop that
     * measured 0.13 ms instead of 0.10 ms per step, and flushing them cost as much as it saved.
     */
    static void adam(Adam config, int iteration, int epoch, float[] p, float[] g, float[] m, float[] v) {
        float beta1 = (float) config.getBeta1();
        float beta2 = (float) config.getBeta2();
        float eps = (float) config.getEpsilon();
        double lr = config.getLearningRate(iteration, epoch);
        float step = (float) (lr * Math.sqrt(1 - Math.pow(beta2, iteration + 1)) / (1 - Math.pow(beta1, iteration + 1)));
        for (int i = 0; i < m.length; i++) { // a plain indexed loop, so that the JIT vectorises it
            float gi = g[i];
            float mi = beta1 * m[i] + gi * (1 - beta1);
            float vi = beta2 * v[i] + gi * gi * (1 - beta2);
            m[i] = mi;
            v[i] = vi;
            p[i] -= mi * step / ((float) Math.sqrt(vi) + eps);
        }
    }
}
