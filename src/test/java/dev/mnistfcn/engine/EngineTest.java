package dev.mnistfcn.engine;

import dev.mnistfcn.TestData;
import dev.mnistfcn.UserError;
import dev.mnistfcn.cli.Main;
import dev.mnistfcn.data.EpochBatches;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.eval.Evaluator;
import dev.mnistfcn.storage.ModelFiles;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Foreign zips the fused engine does not compute (layer normalisation, an output layer without bias) are evaluated
 * through DL4J, to DL4J's own numbers, by {@code auto}; {@code fused} refuses them with a reason.
 */
@Tag("slow") // full CLI evaluate runs on foreign zips (docs/tests.md#test-tiers)
class EngineTest {
    private static final Path MNIST = TestData.mnistDir();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"layer normalisation", "output without bias"})
    void foreignZipsTheFusedEngineDoesNotComputeAreEvaluatedByDl4j(String kind) throws Exception {
        boolean layerNorm = kind.startsWith("layer");
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(64).activation(Activation.RELU).hasLayerNorm(layerNorm).build())
                .layer(new OutputLayer.Builder().nIn(64).nOut(10).activation(Activation.SOFTMAX).hasBias(layerNorm).build())
                .build();
        MultiLayerNetwork trained = new MultiLayerNetwork(conf);
        trained.init();
        MnistSplits data = MnistSplits.load(new dev.mnistfcn.config.DataSpec(MNIST.toString(), 5000, 3000), MNIST);
        var order = new EpochBatches(data.train(), 50, 3, 1);
        while (order.hasNext()) trained.fit(order.next()); // moves the layer-norm gain away from 1
        Path zip = dir.resolve("foreign.zip");
        ModelSerializer.writeModel(trained, zip.toFile(), false);

        MultiLayerNetwork net = ModelFiles.load(zip, false).network();
        Engine.Choice choice = Engine.choose("auto", net.getLayerWiseConfigurations(), Engine.Use.INFERENCE, "model", "--engine");
        assertEquals(Engine.DL4J, choice.engine());
        assertTrue(choice.reason().contains(layerNorm ? "hasLayerNorm = true" : "hasBias = false"), choice.reason());

        DataSet test = data.test();
        double ours = Evaluator.evaluate(choice.engine().predictor(net), test).accuracy();
        double dl4j = net.evaluate(new ExistingDataSetIterator(List.of(test))).accuracy();
        assertEquals(dl4j, ours, 0.0, "DL4J's own Evaluation of DL4J's own output");
        assertTrue(ours > 0.8, "a trained network: " + ours);

        UserError refused = assertThrows(UserError.class, () -> Engine.choose("fused", net.getLayerWiseConfigurations(),
                Engine.Use.INFERENCE, "model " + zip, "--engine"));
        assertTrue(refused.getMessage().startsWith("model " + zip + ": --engine is 'fused', but the fused engine cannot "
                + "run this network as DL4J does: layer"), refused.getMessage());

        // End to end through the CLI (whose commands print to System.out): no stack trace, DL4J named as the engine.
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"evaluate", "--model", zip.toString(), "--data-dir", MNIST.toString()},
                new PrintStream(out, true), new PrintStream(err, true));
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("Engine: DL4J's output (--engine: auto; the fused engine does not "
                + "cover this network: layer"), out.toString());
        assertTrue(out.toString().contains(String.format(java.util.Locale.ROOT, "Test accuracy %.2f%%", 100 * dl4j)),
                out.toString());
        err.reset();
        code = Main.run(new String[]{"evaluate", "--model", zip.toString(), "--data-dir", MNIST.toString(), "--engine",
                "fused"}, new PrintStream(out), new PrintStream(err));
        assertEquals(2, code);
        assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
    }

    @Test
    void anUnknownEngineIsAUserError() {
        var conf = new NeuralNetConfiguration.Builder().list()
                .layer(new OutputLayer.Builder().nIn(784).nOut(10).activation(Activation.SOFTMAX).build()).build();
        UserError e = assertThrows(UserError.class, () -> Engine.choose("turbo", conf, Engine.Use.TRAINING, "here", "k"));
        assertEquals("here: k 'turbo' is not an engine. Expected one of auto, dl4j, fused.", e.getMessage());
        assertEquals(Engine.FUSED, Engine.choose("auto", conf, Engine.Use.TRAINING, "here", "k").engine());
        assertEquals(Engine.DL4J, Engine.choose("DL4J", conf, Engine.Use.TRAINING, "here", "k").engine(), "any case");
    }
}
