package dev.mnistfcn.eval;

import dev.mnistfcn.engine.Predictor;
import dev.mnistfcn.TestData;
import dev.mnistfcn.config.DataSpec;
import dev.mnistfcn.data.EpochBatches;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.engine.Engine;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.learning.config.Adam;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Evaluator} counts, row by row, exactly what DL4J's {@code Evaluation.eval(labels, predictions)} counts. */
class EvaluatorTest {
    private static final Path MNIST = TestData.mnistDir();

    @Test
    void countsWhatDl4jsEvalCountsOnRealMnist() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
                .updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder().nIn(32).nOut(10).activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        MnistSplits data = MnistSplits.load(new DataSpec(MNIST.toString(), 5000, 3000), MNIST);
        var order = new EpochBatches(data.train(), 50, 5, 1);
        while (order.hasNext()) net.fit(order.next()); // a half-trained network: every class has some mistakes
        DataSet test = data.validation(); // 5,000 rows: Evaluator's last batch is a part one

        EvalResult result = Evaluator.evaluate(Engine.DL4J.predictor(net), test);
        Evaluation ours = result.evaluation();
        // The probabilities it keeps for the report's gallery of mistakes are the ones it counted.
        assertEquals(5000 * 10, result.probabilities().length);
        long wrong = 0;
        for (int row = 0; row < 5000; row++) {
            if (dev.mnistfcn.Argmax.of(result.probabilities(), row * 10, 10) != test.getLabels().getRow(row).argMax().getInt(0)) wrong++;
        }
        assertEquals(Math.round(5000 * (1 - ours.accuracy())), wrong);
        assertEquals(Math.min(wrong, 7), Mistakes.mostConfident(result.probabilities(), test, 7).size());
        Evaluation dl4j = new Evaluation(10);
        dl4j.eval(test.getLabels(), net.output(test.getFeatures(), false));

        assertEquals(net.score(test), result.loss(), 1e-5, "the loss is DL4J's score of the same rows");
        assertEquals(5000, ours.getNumRowCounter());
        assertTrue(ours.accuracy() > 0.5 && ours.accuracy() < 0.99, "half-trained: " + ours.accuracy());
        assertEquals(dl4j.getConfusionMatrix().toCSV(), ours.getConfusionMatrix().toCSV());
        assertEquals(dl4j.stats(false, true), ours.stats(false, true)); // accuracy, per-class precision/recall/F1
        for (int c = 0; c < 10; c++) {
            assertEquals(dl4j.truePositives().get(c), ours.truePositives().get(c), "true positives of " + c);
            assertEquals(dl4j.trueNegatives().get(c), ours.trueNegatives().get(c), "true negatives of " + c);
            assertEquals(dl4j.falsePositives().get(c), ours.falsePositives().get(c), "false positives of " + c);
            assertEquals(dl4j.falseNegatives().get(c), ours.falseNegatives().get(c), "false negatives of " + c);
        }
    }

    /**
     * Confident mistakes count as DL4J's LossMCXENT counts them (clipped at 1e-10, as the training loss is): the
     * clamp at 1e-7 made a true class at 1e-9 cost 16.1 instead of 20.7 (a review).
     */
    @Test
    void confidentMistakesCostWhatDl4jsLossSays() {
        float[][] p = {{1e-9f, 1 - 1e-9f}, {1e-12f, 1 - 1e-12f}, {0.5f, 0.5f}, {0.9f, 0.1f}};
        INDArray probabilities = Nd4j.create(p);
        DataSet data = new DataSet(Nd4j.zeros(DataType.FLOAT, 4, 784), Nd4j.create(new float[][]{{1, 0}, {1, 0},
                {1, 0}, {1, 0}})); // the true class is 0 throughout
        double dl4j = new LossMCXENT().computeScore(data.getLabels(), Transforms.log(probabilities, true),
                new ActivationSoftmax(), null, true); // softmax(log p) = p
        double loss = Evaluator.evaluate(features -> Predictor.rowMajor(probabilities), data).loss();
        assertEquals(dl4j, loss, 1e-4);
        assertEquals((-Math.log(1e-9) - Math.log(1e-10) - Math.log(0.5) - Math.log(0.9)) / 4, loss, 1e-4);
    }

    @Test
    void refusesNanProbabilitiesAsDl4jDoes() {
        DataSet data = new DataSet(Nd4j.rand(DataType.FLOAT, 4, 784), Nd4j.eye(4).castTo(DataType.FLOAT));
        var nan = Nd4j.valueArrayOf(new long[]{4, 4}, 0.25f);
        nan.putScalar(2, 1, Float.NaN);
        var e = assertThrows(IllegalStateException.class, () -> Evaluator.evaluate(features -> Predictor.rowMajor(nan), data));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }
}
