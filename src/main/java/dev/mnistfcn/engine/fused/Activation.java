package dev.mnistfcn.engine.fused;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;

/** The hidden-layer activations the fused engine computes, forward and backward, on plain float arrays. */
enum Activation {
    RELU, TANH, SIGMOID, IDENTITY;

    /** The fused counterpart of a DL4J activation, or {@code null} if there is none. */
    static Activation of(IActivation f) {
        // Exact classes: a subclass could compute something else under the same name.
        if (f.getClass() == ActivationReLU.class) {
            ActivationReLU r = (ActivationReLU) f;
            boolean plain = r.getMax() == null && r.getThreshold() == null && r.getNegativeSlope() == null;
            return plain ? RELU : null;
        }
        if (f.getClass() == ActivationTanH.class) return TANH;
        if (f.getClass() == ActivationSigmoid.class) return SIGMOID;
        if (f.getClass() == ActivationIdentity.class) return IDENTITY;
        return null;
    }

    /** a = f(z) over the first {@code len} values ({@code a} may be {@code z}). */
    void apply(float[] z, float[] a, int len) {
        switch (this) {
            case RELU -> {
                for (int i = 0; i < len; i++) a[i] = Math.max(z[i], 0f);
            }
            case TANH -> {
                for (int i = 0; i < len; i++) a[i] = (float) Math.tanh(z[i]);
            }
            case SIGMOID -> {
                for (int i = 0; i < len; i++) a[i] = (float) (1.0 / (1.0 + Math.exp(-z[i])));
            }
            case IDENTITY -> {
                if (a != z) System.arraycopy(z, 0, a, 0, len);
            }
        }
    }

    /** d ⊙= f'(z), from z or from a = f(z), whichever is cheaper. */
    void multiplyByDerivative(float[] d, float[] z, float[] a, int len) {
        switch (this) {
            case RELU -> {
                if (FusedDenseNetwork.VECTOR_API) {
                    ReluVector.keepWherePositive(d, z, len);
                } else {
                    for (int i = 0; i < len; i++) d[i] = z[i] > 0f ? d[i] : 0f;
                }
            }
            case TANH -> {
                for (int i = 0; i < len; i++) d[i] *= 1f - a[i] * a[i];
            }
            case SIGMOID -> {
                for (int i = 0; i < len; i++) d[i] *= a[i] * (1f - a[i]);
            }
            case IDENTITY -> {
            }
        }
    }

    /** Softmax of rows {@code from..from+n-1} of a row-major matrix, in place. */
    static void softmax(float[] z, int from, int n, int classes) {
        for (int r = from; r < from + n; r++) {
            int row = r * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) max = Math.max(max, z[row + j]);
            float sum = 0f;
            for (int j = 0; j < classes; j++) {
                z[row + j] = (float) Math.exp(z[row + j] - max);
                sum += z[row + j];
            }
            for (int j = 0; j < classes; j++) z[row + j] /= sum;
        }
    }
}
