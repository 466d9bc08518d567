package dev.mnistfcn.notadigit;

import dev.mnistfcn.storage.NotADigitCheck;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

/**
 * A small network that tells digits from made negatives: 784 inputs, one hidden ReLU layer, two softmax outputs
 * (0 a digit, 1 not a digit), trained by DL4J on MNIST training digits against {@link MadeNegatives}.
 */
public final class Detector {
    final MultiLayerNetwork net;

    private Detector(MultiLayerNetwork net) {
        this.net = net;
    }

    /** Trained for {@code epochs} on {@code digits} against {@code negatives}, shuffled from {@code seed}. */
    public static Detector train(float[][] digits, float[][] negatives, int hidden, int epochs, long seed) {
        var conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT).updater(new Adam(1e-3))
                .weightInit(WeightInit.RELU).l2(1e-4).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(hidden).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(hidden).nOut(2)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build())
                .build();
        var net = new MultiLayerNetwork(conf);
        net.init();
        int n = digits.length + negatives.length;
        float[][] x = new float[n][];
        float[][] y = new float[n][];
        for (int i = 0; i < n; i++) {
            boolean digit = i < digits.length;
            x[i] = digit ? digits[i] : negatives[i - digits.length];
            y[i] = digit ? new float[]{1, 0} : new float[]{0, 1};
        }
        DataSet all = new DataSet(Nd4j.create(x), Nd4j.create(y));
        for (int e = 0; e < epochs; e++) {
            all.shuffle(seed + e);
            net.fit(new ListDataSetIterator<>(all.asList(), 128));
        }
        return new Detector(net);
    }

    /** Its weights as a model zip stores them, with {@code threshold}: {@link #averaged} over itself alone. */
    NotADigitCheck check(double threshold, NotADigitCheck.Calibration calibration) {
        return averaged(List.of(this), threshold, calibration);
    }

    /**
     * Several detectors as one check: their hidden units side by side and their two logits averaged (the normalised
     * geometric mean of their softmax), which the stored format holds as one wider detector. Averaging trainings
     * evens out what one training's seed decides (docs/not-a-digit.md).
     */
    static NotADigitCheck averaged(List<Detector> members, double threshold, NotADigitCheck.Calibration calibration) {
        int total = members.stream().mapToInt(Detector::hidden).sum(), k = members.size();
        float[] w1 = new float[784 * total], b1 = new float[total], w2 = new float[2 * total], b2 = new float[2];
        int at = 0;
        for (Detector d : members) {
            int h = d.hidden();
            float[] mw1 = floats(d.net.getLayer(0).getParam("W")), mb1 = floats(d.net.getLayer(0).getParam("b"));
            float[] mw2 = floats(d.net.getLayer(1).getParam("W")), mb2 = floats(d.net.getLayer(1).getParam("b"));
            for (int i = 0; i < 784; i++) System.arraycopy(mw1, i * h, w1, i * total + at, h);
            System.arraycopy(mb1, 0, b1, at, h);
            for (int j = 0; j < 2 * h; j++) w2[2 * at + j] = mw2[j] / k;
            b2[0] += mb2[0] / k;
            b2[1] += mb2[1] / k;
            at += h;
        }
        return new NotADigitCheck(NotADigitCheck.METHOD, total, NotADigitCheck.bytes(w1), NotADigitCheck.bytes(b1),
                NotADigitCheck.bytes(w2), NotADigitCheck.bytes(b2), threshold, calibration);
    }

    int hidden() {
        return (int) net.getLayer(0).getParam("b").length();
    }

    /** Row by row ([nIn][nOut] as DL4J multiplies {@code x·W}), whatever order DL4J keeps the view in. */
    private static float[] floats(INDArray param) {
        return param.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /** The probability that each row is a digit, by DL4J's {@code output}: what predict's own check is tested against. */
    public double[] digitProbabilities(INDArray pixels) {
        return net.output(pixels, false).getColumn(0).toDoubleVector();
    }
}
