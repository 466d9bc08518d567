package dev.mnistfcn.config;

import dev.mnistfcn.network.LayerSizes;
import dev.mnistfcn.network.NetworkFactory;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.distribution.TruncatedNormalDistribution;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class ShippedConfigsTest {

    @Test
    void oneLayerIsTheTutorialsFirstNetwork() {
        ExperimentConfig c = ConfigLoader.load(Path.of("config/one-layer.yaml"), Map.of());
        assertEquals("one-layer", c.name());
        MultiLayerConfiguration conf = NetworkFactory.configuration(c);
        assertEquals("784-256-10", LayerSizes.of(conf));
        assertEquals(203_530, NetworkFactory.build(c).numParams());
        assertDense(conf, 0, 784, 256);
        assertNormal(conf, 0, NormalDistribution.class, 1.0);
        assertOutput(conf, 1, 256);
        assertNormal(conf, 1, NormalDistribution.class, 1.0);
        assertTutorialTraining(c, conf);
    }

    @Test
    void twoLayerIsTheTutorialsSecondNetwork() {
        ExperimentConfig c = ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of());
        MultiLayerConfiguration conf = NetworkFactory.configuration(c);
        assertEquals("784-256-64-10", LayerSizes.of(conf));
        assertEquals(218_058, NetworkFactory.build(c).numParams());
        assertDense(conf, 0, 784, 256);
        assertNormal(conf, 0, TruncatedNormalDistribution.class, 0.1);
        assertDense(conf, 1, 256, 64);
        assertNormal(conf, 1, NormalDistribution.class, 0.1);
        assertOutput(conf, 2, 64);
        assertNormal(conf, 2, NormalDistribution.class, 0.1);
        assertTutorialTraining(c, conf);
    }

    @Test
    void truncatedNormalInitStaysWithinTwoSigma() {
        ExperimentConfig c = ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of());
        var w = NetworkFactory.build(c).getLayer(0).getParam("W");
        double max = w.amaxNumber().doubleValue();
        double std = w.stdNumber().doubleValue();
        // TensorFlow's truncated_normal redraws beyond 2σ: max ≤ 0.2, std ≈ 0.088 for σ = 0.1.
        assertEquals(true, max <= 0.2 + 1e-6, "max |w| = " + max);
        assertEquals(0.088, std, 0.005);
        var w2 = NetworkFactory.build(c).getLayer(1).getParam("W");
        assertEquals(0.1, w2.stdNumber().doubleValue(), 0.005);
    }

    /** The Fashion configs are the tutorial's networks, trained the same way: only the dataset and name differ. */
    @ParameterizedTest
    @ValueSource(strings = {"one-layer", "two-layer"})
    void fashionConfigsAreTheTutorialsNetworksOnFashionMnist(String tutorial) {
        ExperimentConfig mnist = ConfigLoader.load(Path.of("config/" + tutorial + ".yaml"), Map.of());
        ExperimentConfig fashion = ConfigLoader.load(Path.of("config/fashion-" + tutorial + ".yaml"), Map.of());
        assertEquals("fashion-" + tutorial, fashion.name());
        assertEquals(dev.mnistfcn.data.Dataset.FASHION_MNIST, dev.mnistfcn.data.Dataset.of(fashion.data()));
        assertEquals("/usr/share/datasets/fashion-mnist", fashion.data().dir(), "Debian's folder, by default");
        assertEquals(List.of("data.dataset", "data.dir", "name"), ConfigDiff.between(mnist, fashion).stream()
                .map(ConfigDiff.Difference::key).sorted().toList());
        MultiLayerConfiguration conf = NetworkFactory.configuration(fashion);
        assertEquals(NetworkFactory.configuration(mnist).toJson(), conf.toJson(), "the same DL4J network");
        assertEquals(NetworkFactory.build(mnist).numParams(), NetworkFactory.build(fashion).numParams());
        assertTutorialTraining(fashion, conf);
        assertEquals(fashion, ConfigLoader.parse(ConfigLoader.toYaml(fashion), "resolved"), "round-trips");
    }

    @Test
    void defaultConfigIsTwoLayer() {
        assertEquals(Path.of("config/two-layer.yaml"), ConfigLoader.locate("two-layer.yaml"));
        assertEquals(Path.of("config/one-layer.yaml"), ConfigLoader.locate("config/one-layer.yaml"));
    }

    @Test
    void overridesReachTheNetwork() {
        ExperimentConfig c = ConfigLoader.load(Path.of("config/two-layer.yaml"),
                Map.of("model.hidden.1.units", "32", "training.epochs", "2", "training.updater.type", "sgd",
                        "model.hidden[0].dropout", "0.5"));
        assertEquals(2, c.training().epochs());
        MultiLayerConfiguration conf = NetworkFactory.configuration(c);
        assertEquals("784-256-32-10", LayerSizes.of(conf));
        assertEquals(0.5, ((BaseLayer) conf.getConf(1).getLayer()).getIDropout() == null ? -1
                : ((org.deeplearning4j.nn.conf.dropout.Dropout) ((BaseLayer) conf.getConf(1).getLayer()).getIDropout()).getP(), 1e-12);
    }

    @Test
    void resolvedConfigRoundTrips() {
        ExperimentConfig c = ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of("training.epochs", "3"));
        assertEquals(c, ConfigLoader.parse(ConfigLoader.toYaml(c), "resolved"));
    }

    private static void assertDense(MultiLayerConfiguration conf, int i, int nIn, int nOut) {
        DenseLayer d = assertInstanceOf(DenseLayer.class, conf.getConf(i).getLayer());
        assertEquals(nIn, d.getNIn());
        assertEquals(nOut, d.getNOut());
        assertInstanceOf(ActivationReLU.class, d.getActivationFn());
        assertEquals(0.0, d.getBiasInit());
    }

    private static void assertOutput(MultiLayerConfiguration conf, int i, int nIn) {
        OutputLayer o = assertInstanceOf(OutputLayer.class, conf.getConf(i).getLayer());
        assertEquals(nIn, o.getNIn());
        assertEquals(10, o.getNOut());
        assertInstanceOf(ActivationSoftmax.class, o.getActivationFn());
        assertInstanceOf(LossMCXENT.class, o.getLossFn());
        assertEquals(0.0, o.getBiasInit());
    }

    private static void assertNormal(MultiLayerConfiguration conf, int i, Class<?> type, double std) {
        BaseLayer l = (BaseLayer) conf.getConf(i).getLayer();
        var expected = type == NormalDistribution.class ? new NormalDistribution(0.0, std)
                : new TruncatedNormalDistribution(0.0, std);
        assertEquals(new WeightInitDistribution(expected), l.getWeightInitFn());
    }

    private static void assertTutorialTraining(ExperimentConfig c, MultiLayerConfiguration conf) {
        assertEquals(20, c.training().epochs());
        assertEquals(50, c.training().batchSize());
        Adam adam = assertInstanceOf(Adam.class, ((BaseLayer) conf.getConf(0).getLayer()).getIUpdater());
        assertEquals(0.01, adam.getLearningRate());
        assertEquals(0.9, adam.getBeta1());
        assertEquals(0.999, adam.getBeta2());
        assertEquals(1e-8, adam.getEpsilon());
        assertEquals(5000, c.data().validationSize());
    }
}
