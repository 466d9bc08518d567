package dev.mnistfcn.engine.fused;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.shade.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which DL4J networks the fused engine computes as DL4J does (the same formulas; float sums may run in another
 * order): a whitelist, not a list of known gaps.
 *
 * <p>Every setting of every layer, as DL4J's own JSON names it, is either one the fused engine reads and checks
 * here ({@link #READ}), one that does not change what is computed ({@link #NO_EFFECT}), or it must hold the value a
 * plain {@code DenseLayer} / {@code OutputLayer} gets by default. A setting this class has never heard of (a layer
 * normalisation flag, a bias-less output, a future DL4J option) therefore refuses the network, by name, and
 * {@code FusedDenseNetworkTest} checks the fused engine against DL4J on each kind admitted here.
 */
public final class FusedSupport {
    /** Layer settings the fused engine reads; each is checked below. */
    private static final Set<String> READ = Set.of("nin", "nout", "activationFn", "lossFn", "idropout",
            "regularization", "regularizationBias", "iupdater", "biasUpdater");
    /**
     * Layer settings that do not change the computation: names, how parameters were first initialised, the
     * layer-norm gain (no layer norm is admitted) and the gradient-normalisation threshold (none is admitted).
     */
    private static final Set<String> NO_EFFECT = Set.of("layerName", "weightInitFn", "biasInit", "gainInit",
            "gradientNormalizationThreshold");
    /** Per-layer network settings that do not change the computation. */
    private static final Set<String> NO_EFFECT_NETWORK = Set.of("layer", "seed", "iterationCount", "epochCount",
            "cacheMode", "variables", "dataType");
    /** What DL4J gives a plain dense layer, output layer and per-layer network settings by default, as its JSON. */
    private static final JsonNode PLAIN_DENSE;
    private static final JsonNode PLAIN_OUTPUT;
    private static final JsonNode PLAIN_NETWORK;

    static {
        MultiLayerConfiguration plain = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(2).build())
                .layer(new OutputLayer.Builder().nIn(2).nOut(2).build())
                .build();
        PLAIN_DENSE = json(plain.getConf(0).getLayer());
        PLAIN_OUTPUT = json(plain.getConf(1).getLayer());
        PLAIN_NETWORK = json(plain.getConf(0));
    }

    private FusedSupport() {
    }

    /** Why the fused engine cannot compute this network's class probabilities, or empty if it can. */
    public static Optional<String> forInference(MultiLayerConfiguration conf) {
        return Optional.ofNullable(check(conf, false));
    }

    /** Why the fused engine cannot train this network as DL4J's {@code fit} would, or empty if it can. */
    public static Optional<String> forTraining(MultiLayerConfiguration conf) {
        return Optional.ofNullable(check(conf, true));
    }

    private static String check(MultiLayerConfiguration conf, boolean training) {
        if (conf.getDataType() != DataType.FLOAT) return "its parameters are " + conf.getDataType() + ", not FLOAT";
        if (!conf.getInputPreProcessors().isEmpty()) return "it has input preprocessors";
        if (training && conf.getBackpropType() != BackpropType.Standard) return "it uses " + conf.getBackpropType();
        int n = conf.getConfs().size();
        if (n < 1) return "it has no layers";
        IUpdater updater = null;
        for (int i = 0; i < n; i++) {
            NeuralNetConfiguration layerConf = conf.getConf(i);
            Layer layer = layerConf.getLayer();
            boolean last = i == n - 1;
            Class<?> expected = last ? OutputLayer.class : DenseLayer.class;
            String where = "layer " + i + " (" + layer.getClass().getSimpleName() + ")";
            if (layer.getClass() != expected) {
                return where + " is not a " + expected.getSimpleName() + (last ? " (the last layer)" : "");
            }
            if (conf.getDataType() != layerConf.getDataType()) return where + " computes in " + layerConf.getDataType();
            String settings = defaultsExcept(layer, last ? PLAIN_OUTPUT : PLAIN_DENSE, READ, NO_EFFECT);
            if (settings != null) return where + " sets " + settings;
            if (training) {
                settings = defaultsExcept(layerConf, PLAIN_NETWORK, Set.of(), NO_EFFECT_NETWORK);
                if (settings != null) return where + " sets " + settings;
            }
            String read = checkRead((BaseLayer) layer, last, training);
            if (read != null) return where + " " + read;
            if (training) {
                BaseLayer b = (BaseLayer) layer;
                if (updater == null) updater = b.getIUpdater();
                // One updater for every parameter: DL4J then keeps one state block, which the fused step mirrors.
                if (!updater.equals(b.getIUpdater()) || b.getBiasUpdater() != null && !updater.equals(b.getBiasUpdater())) {
                    return where + " has an updater of its own (the fused engine needs one for all parameters)";
                }
            }
        }
        return null;
    }

    /**
     * The settings the fused engine reads: activation, loss, dropout (DL4J's {@code Dropout}, fixed p), L2 and
     * weight decay (fixed coefficients), updater (Adam or SGD, any learning-rate schedule).
     */
    private static String checkRead(BaseLayer b, boolean last, boolean training) {
        if (last) {
            if (b.getActivationFn().getClass() != ActivationSoftmax.class) return "does not end in softmax";
        } else if (Activation.of(b.getActivationFn()) == null) {
            return "uses activation " + b.getActivationFn() + " (the fused engine has relu, tanh, sigmoid, identity)";
        }
        if (!training) return null; // DL4J's output(x, false) applies no dropout; loss and updater play no part
        if (last && !(((OutputLayer) b).getLossFn() instanceof LossMCXENT loss && loss.getClass() == LossMCXENT.class
                && loss.getWeights() == null && loss.getSoftmaxClipEps() == 1e-10)) {
            return "has loss " + ((OutputLayer) b).getLossFn() + " (the fused engine has unweighted multi-class "
                    + "cross-entropy, MCXENT, clipped at 1e-10)";
        }
        if (b.getIDropout() != null && !(b.getIDropout().getClass() == Dropout.class
                && ((Dropout) b.getIDropout()).getPSchedule() == null)) {
            return "uses dropout " + b.getIDropout() + " (the fused engine has DL4J's Dropout at a fixed retain "
                    + "probability)";
        }
        for (List<Regularization> rs : List.of(b.getRegularization(), b.getRegularizationBias())) {
            for (Regularization r : rs) {
                boolean fixed = r.getClass() == L2Regularization.class && ((L2Regularization) r).getL2() instanceof FixedSchedule
                        || r.getClass() == WeightDecay.class && ((WeightDecay) r).getCoeff() instanceof FixedSchedule;
                if (!fixed) {
                    return "uses " + r + " (the fused engine has L2 and weight decay with fixed coefficients)";
                }
            }
        }
        // A learning-rate schedule is fine: the fused step asks the updater for its rate as DL4J's updater does.
        IUpdater u = b.getIUpdater();
        if (u.getClass() != Adam.class && u.getClass() != Sgd.class) {
            return "uses updater " + u.getClass().getSimpleName() + " (the fused engine has Adam and SGD)";
        }
        return null;
    }

    /**
     * The first setting of {@code actual} that is neither read nor without effect and differs from {@code plain}'s,
     * as "name = value (the fused engine computes only value)"; null if there is none. Compared as DL4J's own JSON,
     * so that a setting added in another DL4J version is not missed.
     */
    private static String defaultsExcept(Object actual, JsonNode plain, Set<String> read, Set<String> noEffect) {
        JsonNode a = json(actual);
        for (Iterator<String> names = a.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (read.contains(name) || noEffect.contains(name)) continue;
            if (!Objects.equals(a.get(name), plain.get(name))) {
                return name + " = " + a.get(name) + (plain.has(name) ? " (the fused engine computes only " + plain.get(name) + ")"
                        : " (a setting the fused engine does not know)");
            }
        }
        return null;
    }

    private static JsonNode json(Object conf) {
        return NeuralNetConfiguration.mapper().valueToTree(conf);
    }
}
