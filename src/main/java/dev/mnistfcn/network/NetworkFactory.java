package dev.mnistfcn.network;

import dev.mnistfcn.config.ConfigValidator;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.config.InitSpec;
import dev.mnistfcn.config.LayerSpec;
import dev.mnistfcn.config.ModelSpec;
import dev.mnistfcn.config.ScheduleSpec;
import dev.mnistfcn.config.UpdaterSpec;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.distribution.TruncatedNormalDistribution;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.AdaMax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.CycleSchedule;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.InverseSchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.PolySchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.SigmoidSchedule;
import org.nd4j.linalg.schedule.StepSchedule;

import java.util.HashMap;

/**
 * The one place where YAML keys become DL4J builder calls: {@code model.hidden[i]} → {@link DenseLayer},
 * the output → softmax {@link OutputLayer} with multi-class cross-entropy, {@code training.updater}
 * → an {@link IUpdater} (its {@code schedule} → an {@link ISchedule}, its {@code weight_decay} → each layer's
 * {@code WeightDecay}).
 */
public final class NetworkFactory {
    private NetworkFactory() {
    }

    public static MultiLayerNetwork build(ExperimentConfig config) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(config));
        net.init();
        return net;
    }

    public static MultiLayerConfiguration configuration(ExperimentConfig config) {
        ModelSpec m = config.model();
        var list = new NeuralNetConfiguration.Builder()
                .seed(config.seed())
                .dataType(DataType.FLOAT)
                .updater(updater(config.training().updater()))
                // Workspaces reuse native memory across iterations instead of allocating per batch.
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .cacheMode(CacheMode.NONE)
                .list();
        int nIn = m.input();
        Double dropoutBefore = m.inputDropout() != null && m.inputDropout() > 0 ? m.inputDropout() : null;
        for (int i = 0; i < m.hidden().size(); i++) {
            LayerSpec l = m.hidden().get(i);
            var dense = new DenseLayer.Builder().nIn(nIn).nOut(l.units())
                    .activation(ConfigValidator.activation("model", "model.hidden[" + i + "].activation", l.activation()))
                    .biasInit(l.biasInit());
            weightInit(dense, l.init());
            if (l.l2() != null && l.l2() > 0) dense.l2(l.l2());
            weightDecay(dense, config.training().updater());
            if (dropoutBefore != null) dense.dropOut(1.0 - dropoutBefore);
            list.layer(dense.build());
            // DL4J applies dropout to a layer's input and takes a retain probability; our key drops
            // this layer's outputs, so it goes on the next layer as 1 - p.
            dropoutBefore = l.dropout() != null && l.dropout() > 0 ? l.dropout() : null;
            nIn = l.units();
        }
        var out = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(nIn).nOut(m.output())
                .activation(Activation.SOFTMAX)
                .biasInit(0.0);
        weightInit(out, m.outputInit());
        weightDecay(out, config.training().updater());
        if (dropoutBefore != null) out.dropOut(1.0 - dropoutBefore);
        list.layer(out.build());
        return list.build();
    }

    private static void weightInit(BaseLayer.Builder<?> b, InitSpec init) {
        switch (init.type()) {
            // WeightInit.NORMAL would be N(0, 1/fan-in); the tutorial needs explicit σ.
            case "normal" -> b.weightInit(new NormalDistribution(init.mean(), init.stddev()));
            case "truncated_normal" -> b.weightInit(new TruncatedNormalDistribution(init.mean(), init.stddev()));
            case "xavier" -> b.weightInit(WeightInit.XAVIER);
            case "xavier_uniform" -> b.weightInit(WeightInit.XAVIER_UNIFORM);
            case "relu", "he" -> b.weightInit(WeightInit.RELU);
            case "relu_uniform" -> b.weightInit(WeightInit.RELU_UNIFORM);
            case "lecun_normal" -> b.weightInit(WeightInit.LECUN_NORMAL);
            case "zero" -> b.weightInit(WeightInit.ZERO);
            default -> throw new IllegalArgumentException("unvalidated init type " + init.type());
        }
    }

    /** {@code weight_decay} on the layer's weights, not its biases (DL4J's {@code weightDecay}, applied with the rate). */
    private static void weightDecay(BaseLayer.Builder<?> b, UpdaterSpec u) {
        if (u.weightDecay() != null && u.weightDecay() > 0) b.weightDecay(u.weightDecay(), true);
    }

    /** The updater, its learning rate following {@code u.schedule()} where there is one. */
    static IUpdater updater(UpdaterSpec u) {
        double lr = u.learningRate();
        IUpdater updater = switch (u.type()) {
            case "adam" -> new Adam(lr, or(u.beta1(), Adam.DEFAULT_ADAM_BETA1_MEAN_DECAY),
                    or(u.beta2(), Adam.DEFAULT_ADAM_BETA2_VAR_DECAY), or(u.epsilon(), Adam.DEFAULT_ADAM_EPSILON));
            case "adamax" -> new AdaMax(lr, or(u.beta1(), AdaMax.DEFAULT_ADAMAX_BETA1_MEAN_DECAY),
                    or(u.beta2(), AdaMax.DEFAULT_ADAMAX_BETA2_VAR_DECAY), or(u.epsilon(), AdaMax.DEFAULT_ADAMAX_EPSILON));
            case "nesterovs" -> new Nesterovs(lr, or(u.momentum(), Nesterovs.DEFAULT_NESTEROV_MOMENTUM));
            case "sgd" -> new Sgd(lr);
            case "rmsprop" -> new RmsProp(lr, or(u.rmsDecay(), RmsProp.DEFAULT_RMSPROP_RMSDECAY),
                    or(u.epsilon(), RmsProp.DEFAULT_RMSPROP_EPSILON));
            case "adagrad" -> new AdaGrad(lr, or(u.epsilon(), AdaGrad.DEFAULT_ADAGRAD_EPSILON));
            default -> throw new IllegalArgumentException("unvalidated updater " + u.type());
        };
        if (u.schedule() == null) return updater;
        ISchedule s = schedule(u.schedule(), lr);
        // Each updater has its own setter; they share no interface for it.
        if (updater instanceof Adam a) a.setLearningRateSchedule(s);
        else if (updater instanceof AdaMax a) a.setLearningRateSchedule(s);
        else if (updater instanceof Nesterovs n) n.setLearningRateSchedule(s);
        else if (updater instanceof Sgd sgd) sgd.setLearningRateSchedule(s);
        else if (updater instanceof RmsProp r) r.setLearningRateSchedule(s);
        else ((AdaGrad) updater).setLearningRateSchedule(s);
        return updater;
    }

    /** {@code training.updater.schedule} as DL4J's schedule, starting from {@code initial}. */
    private static ISchedule schedule(ScheduleSpec s, double initial) {
        ScheduleType by = s.by().equals("epoch") ? ScheduleType.EPOCH : ScheduleType.ITERATION;
        return switch (s.type()) {
            case "step" -> new StepSchedule(by, initial, s.decayRate(), s.step());
            case "exponential" -> new ExponentialSchedule(by, initial, s.gamma());
            case "inverse" -> new InverseSchedule(by, initial, s.gamma(), s.power());
            case "poly" -> new PolySchedule(by, initial, s.power(), s.maxIter());
            case "sigmoid" -> new SigmoidSchedule(by, initial, s.gamma(), s.stepSize());
            case "map" -> new MapSchedule(by, new HashMap<>(s.values()));
            case "cycle" -> new CycleSchedule(by, initial, s.maxLearningRate(), s.cycleLength(), s.annealingLength(),
                    or(s.annealingDecay(), 0.1));
            default -> throw new IllegalArgumentException("unvalidated schedule " + s.type());
        };
    }

    private static double or(Double v, double dflt) {
        return v == null ? dflt : v;
    }
}
