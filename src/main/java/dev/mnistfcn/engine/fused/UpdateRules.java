package dev.mnistfcn.engine.fused;

import dev.mnistfcn.FloatView;
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

    /** One update of {@code params} from {@code grads}, both in the heap layout the rule was made for. */
    interface Rule {
        void apply(float[] params, float[] grads, int iteration, int epoch);

        /** The learning rate DL4J's updater uses at this count: its schedule's value where it has one. */
        double learningRate(int iteration, int epoch);

        /** Whether it stores moments below {@link Float#MIN_NORMAL} as 0 ({@link #adam}); then tiny δ are dropped too. */
        default boolean flushes() {
            return false;
        }

        /** Writes state kept on the heap back into DL4J's updater state. */
        default void writeBack() {
        }
    }

    /** The rule for DL4J's updater {@code u}, starting from its current state, on heap arrays laid out as {@code layout}. */
    static Rule of(GradientUpdater<?> u, int length, HeapLayout layout) {
        if (u instanceof AdamUpdater a) return new AdamRule(a, length, layout);
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
        private final HeapLayout layout;

        AdamRule(AdamUpdater updater, int length, HeapLayout layout) {
            this.layout = layout;
            config = updater.getConfig();
            mBuf = FloatView.of(updater.getM());
            vBuf = FloatView.of(updater.getV());
            m = new float[length];
            v = new float[length];
            layout.read(mBuf, m);
            layout.read(vBuf, v);
        }

        @Override
        public void apply(float[] params, float[] grads, int iteration, int epoch) {
            // Halves on the two cores: the tutorial's 218k parameters took 0.04-0.05 ms per step here (a batch-50
            // epoch's 1,100 updates: 44-51 ms), about 0.1 ms on one. The next batch's first layer follows.
            int parts = RowWorkers.SHARED.threads();
            RowWorkers.SHARED.runAndStayReady(parts, t -> adam(config, iteration, epoch, params, grads, m, v,
                    (int) ((long) m.length * t / parts), (int) ((long) m.length * (t + 1) / parts)));
        }

        @Override
        public double learningRate(int iteration, int epoch) {
            return config.getLearningRate(iteration, epoch);
        }

        @Override
        public boolean flushes() {
            return UpdateRules.flushes(config);
        }

        @Override
        public void writeBack() {
            layout.write(m, mBuf);
            layout.write(v, vBuf);
        }
    }

    /**
     * The least ε for which flushing v (and leaving out c2 · g² under {@link Float#MIN_NORMAL}, {@link AdamVector})
     * leaves the divisor √v + ε alone. What the flush keeps out of v is a sum of terms under MIN_NORMAL, which decays
     * by β₂ a step: at most MIN_NORMAL / c2 (c2 = 1 − β₂), so its square root, at most √(MIN_NORMAL / c2), must be
     * under half an ulp of ε (ε · 2⁻²⁵ at worst): ε ≥ 2²⁵ · √(MIN_NORMAL / c2), 1.15e-10 at β₂ = 0.999. Below it the
     * flush changes the divisor: a review's weights of 1e-6 with gradients of 2e-18 moved at ε = 1e-11, and at ε =
     * 1e-30 training failed (m · step / ε).
     */
    static float flushMinEpsilon(float beta2) {
        return 0x1p25f * smallestSquaredGradient(beta2);
    }

    /** The |g| under which c2 · g² (c2 = 1 − β₂) falls below {@link Float#MIN_NORMAL}: √(MIN_NORMAL / c2). */
    static float smallestSquaredGradient(float beta2) {
        float c2 = 1 - beta2;
        return c2 > 0 ? (float) Math.sqrt(Float.MIN_NORMAL / c2) : Float.POSITIVE_INFINITY;
    }

    /**
     * One Adam step on {@code p} with moments {@code m}, {@code v}, as libnd4j's {@code adamUpdater} computes it: bias
     * correction folded into the step size, ε not rescaled. With the Vector API and ε at least {@link #flushMinEpsilon}
     * (the default 1e-8 is), moments below {@link Float#MIN_NORMAL} are stored as 0 and c2 · g² terms below it left out
     * of v ({@link AdamVector}). Why: the moments of weights whose gradient is rare or has stopped (pixels seldom
     * inked, units that no longer fire) decay into subnormal numbers (39% of two-layer's m after 20 epochs), which
     * Intel CPUs compute through a microcode assist: this loop took 0.49 instead of 0.10 ms a step there with a quarter
     * of them subnormal (Xeon, AVX-512; AMD's EPYC barely slows). It changes no number a run reports: a subnormal m
     * moves p by under 1.2e-38 · step / ε (≈ 1.2e-30 · lr at the default ε and betas), below half an ulp of any weight
     * above about 2e-23 · lr, and a subnormal v's square root rounds away beside ε; only weights already smaller than
     * that (strong weight decay makes some) can differ. Without the Vector API the plain loop runs unflushed: the JIT
     * vectorises it only so.
     */
    static void adam(Adam config, int iteration, int epoch, float[] p, float[] g, float[] m, float[] v) {
        adam(config, iteration, epoch, p, g, m, v, 0, m.length);
    }

    /** {@link #adam} over elements {@code from..to-1}. */
    static void adam(Adam config, int iteration, int epoch, float[] p, float[] g, float[] m, float[] v, int from, int to) {
        float beta1 = (float) config.getBeta1();
        float beta2 = (float) config.getBeta2();
        float eps = (float) config.getEpsilon();
        double lr = config.getLearningRate(iteration, epoch);
        float step = (float) (lr * Math.sqrt(1 - Math.pow(beta2, iteration + 1)) / (1 - Math.pow(beta1, iteration + 1)));
        if (flushes(config)) {
            AdamVector.step(beta1, beta2, eps, step, p, g, m, v, from, to);
        } else {
            adamPlain(beta1, beta2, eps, step, p, g, m, v, from, to);
        }
    }

    /** Whether {@link #adam} flushes: with the Vector API and ε at least {@link #flushMinEpsilon}. */
    static boolean flushes(Adam config) {
        return FusedDenseNetwork.VECTOR_API && (float) config.getEpsilon() >= flushMinEpsilon((float) config.getBeta2());
    }

    /** {@link #adam}'s loop in plain Java, without the flush. */
    static void adamPlain(float beta1, float beta2, float eps, float step, float[] p, float[] g, float[] m, float[] v,
                          int from, int to) {
        for (int i = from; i < to; i++) { // a plain indexed loop, so that the JIT vectorises it
            float gi = g[i];
            float mi = beta1 * m[i] + gi * (1 - beta1);
            float vi = beta2 * v[i] + gi * gi * (1 - beta2);
            m[i] = mi;
            v[i] = vi;
            p[i] -= mi * step / ((float) Math.sqrt(vi) + eps);
        }
    }
}
