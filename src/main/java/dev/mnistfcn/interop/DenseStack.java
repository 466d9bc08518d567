package dev.mnistfcn.interop;

import dev.mnistfcn.UserError;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;

import java.util.ArrayList;
import java.util.List;

/**
 * A network as the other formats see it: fully-connected layers {@code act(x·W + b)}, in order, with plain float
 * arrays. Dropout is left out (DL4J applies it only while training, so at inference it is the identity); anything
 * else a file format would have to express is refused here, once for every format.
 */
record DenseStack(List<Dense> layers) {

    /** The activations both formats express, with DL4J's own constants. */
    enum Act {
        IDENTITY, RELU, TANH, SIGMOID, ELU, LEAKYRELU, SOFTPLUS, SOFTSIGN, SELU, RELU6, HARDTANH, SWISH, SOFTMAX
    }

    /**
     * One layer: {@code w} is [nIn][nOut] as DL4J keeps it ({@code x·W}), {@code alpha} the slope or scale of
     * LeakyRelu and Elu (else 0).
     */
    record Dense(String name, float[][] w, float[] b, Act act, double alpha) {
        int nIn() {
            return w.length;
        }

        int nOut() {
            return b.length;
        }
    }

    static DenseStack of(MultiLayerNetwork net, String source) {
        var conf = net.getLayerWiseConfigurations();
        List<Dense> layers = new ArrayList<>();
        int n = conf.getConfs().size();
        for (int i = 0; i < n; i++) {
            var layer = conf.getConf(i).getLayer();
            String name = "layer " + i + (layer.getLayerName() == null ? "" : " ('" + layer.getLayerName() + "')");
            boolean last = i == n - 1;
            if (!(layer instanceof DenseLayer) && !(last && layer instanceof OutputLayer)) {
                throw refused(source, name, "is a " + layer.getClass().getSimpleName()
                        + ", and only dense layers followed by a softmax output layer are exported");
            }
            if (layer instanceof DenseLayer d && d.hasLayerNorm()) {
                throw refused(source, name, "has layer normalisation, which mnist-fcn does not train and the "
                        + "exporter does not write");
            }
            var base = (org.deeplearning4j.nn.conf.layers.BaseLayer) layer;
            IActivation a = base.getActivationFn();
            Act act = act(a);
            if (act == null) {
                throw refused(source, name, "uses the activation " + described(a) + ", which has no exporter here (exported: "
                        + "identity, relu, tanh, sigmoid, elu, leakyrelu, softplus, softsign, selu, relu6, hardtanh, "
                        + "swish; softmax on the output layer)");
            }
            if ((act == Act.SOFTMAX) != last) {
                throw refused(source, name, last ? "is an output layer with " + a + " instead of softmax, and the "
                        + "exported graphs give probabilities" : "uses softmax, which is exported on the output layer only");
            }
            float[][] w = net.getLayer(i).getParam("W").toFloatMatrix();
            var bias = net.getLayer(i).getParam("b");
            float[] b = bias == null ? new float[w[0].length] : bias.toFloatVector();
            double alpha = a instanceof ActivationELU e ? e.getAlpha() : a instanceof ActivationLReLU l ? l.getAlpha() : 0;
            layers.add(new Dense("dense" + i, w, b, act, alpha));
        }
        return new DenseStack(layers);
    }

    /** DL4J's toString of a capped, thresholded or leaky ReLU is "relu", which read as a contradiction. */
    private static String described(IActivation a) {
        if (!(a instanceof ActivationReLU r)) return String.valueOf(a);
        List<String> parts = new ArrayList<>();
        if (r.getMax() != null && r.getMax() != 0) parts.add("capped at " + r.getMax());
        if (r.getThreshold() != null && r.getThreshold() != 0) parts.add("threshold " + r.getThreshold());
        if (r.getNegativeSlope() != null && r.getNegativeSlope() != 0) parts.add("negative slope " + r.getNegativeSlope());
        return "relu (" + String.join(", ", parts) + "; only the plain max(0, x) is exported)";
    }

    private static Act act(IActivation a) {
        if (a instanceof ActivationReLU r) {
            // DL4J's ReLU can be capped, thresholded or leaky; the plain one is max(0, x).
            boolean plain = (r.getMax() == null || r.getMax() == 0) && (r.getThreshold() == null || r.getThreshold() == 0)
                    && (r.getNegativeSlope() == null || r.getNegativeSlope() == 0);
            return plain ? Act.RELU : null;
        }
        if (a instanceof ActivationIdentity) return Act.IDENTITY;
        if (a instanceof ActivationTanH) return Act.TANH;
        if (a instanceof ActivationSigmoid) return Act.SIGMOID;
        if (a instanceof ActivationELU) return Act.ELU;
        if (a instanceof ActivationLReLU) return Act.LEAKYRELU;
        if (a instanceof ActivationSoftPlus) return Act.SOFTPLUS;
        if (a instanceof ActivationSoftSign) return Act.SOFTSIGN;
        if (a instanceof ActivationSELU) return Act.SELU;
        if (a instanceof ActivationReLU6) return Act.RELU6;
        if (a instanceof ActivationHardTanH) return Act.HARDTANH;
        if (a instanceof ActivationSwish) return Act.SWISH;
        if (a instanceof ActivationSoftmax) return Act.SOFTMAX;
        return null;
    }

    private static UserError refused(String source, String layer, String why) {
        return new UserError("Cannot export " + source + ": its " + layer + " " + why + ". Export writes networks "
                + "mnist-fcn trains (dense layers with a supported activation, dropout, a softmax output); see "
                + "docs/interop.md for what each format expresses.");
    }
}
