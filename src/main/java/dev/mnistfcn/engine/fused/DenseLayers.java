package dev.mnistfcn.engine.fused;

import dev.mnistfcn.FloatView;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * A DL4J dense network as the fused engine reads it, once, when it takes the network on: each layer's width,
 * activation, penalties and input dropout, where its weights and biases sit in DL4J's flat parameter and gradient
 * arrays (the GEMMs read and write those arrays in place), and heap copies of both arrays for the Java loops.
 * The network keeps these arrays for its whole life, so the views and offsets stay valid.
 */
final class DenseLayers {
    final int layers;
    final int[] width;              // width[0] = inputs, width[i] = units of layer i
    final Activation[] activation;  // hidden layers; the last layer is softmax
    final INDArray[] weights;       // views into net.params()
    final Gemm.Matrix[] weightMatrix;     // the same weights, as the GEMMs read them
    final Gemm.Matrix[] weightGradMatrix; // views into net.getFlattenedGradients()
    final int[] weightOffset;
    final int[] biasOffset;
    final Penalty[] penalties;      // L2 and weight decay of each layer's weights and biases
    final double[] retain;          // the probability that each layer's input dropout keeps a value
    final FloatBuffer paramBuf;
    final FloatBuffer gradBuf;
    final float[] params;           // heap copy of net.params(), written back after every step
    final float[] grads;
    /** How {@link #params}, {@link #grads} and the Adam moments sit against DL4J's arrays (set by training). */
    HeapLayout layout = HeapLayout.SAME;

    /** For a network {@link FusedSupport#forInference} admits. */
    DenseLayers(MultiLayerNetwork net) {
        layers = net.getnLayers();
        width = new int[layers + 1];
        activation = new Activation[layers];
        weights = new INDArray[layers];
        weightMatrix = new Gemm.Matrix[layers];
        weightGradMatrix = new Gemm.Matrix[layers];
        weightOffset = new int[layers];
        biasOffset = new int[layers];
        penalties = new Penalty[2 * layers];
        retain = new double[layers];
        INDArray flatParams = net.params();
        if (net.getFlattenedGradients() == null) net.initGradientsView(); // e.g. a network restored from a zip
        INDArray flatGrads = net.getFlattenedGradients();
        paramBuf = FloatView.of(flatParams);
        gradBuf = FloatView.of(flatGrads);
        params = new float[(int) flatParams.length()];
        grads = new float[params.length];
        paramBuf.get(0, params);
        for (int i = 0; i < layers; i++) {
            Layer l = net.getLayer(i);
            BaseLayer conf = (BaseLayer) l.conf().getLayer();
            weights[i] = l.getParam(DefaultParamInitializer.WEIGHT_KEY);
            INDArray weightGrad = DefaultParamInitializer.getInstance()
                    .getGradientsFromFlattened(l.conf(), l.getGradientsViewArray()).get(DefaultParamInitializer.WEIGHT_KEY);
            weightMatrix[i] = Gemm.Matrix.of(weights[i]);
            weightGradMatrix[i] = Gemm.Matrix.of(weightGrad);
            width[i] = (int) weights[i].size(0);
            width[i + 1] = (int) weights[i].size(1);
            weightOffset[i] = offsetIn(weights[i], flatParams);
            biasOffset[i] = offsetIn(l.getParam(DefaultParamInitializer.BIAS_KEY), flatParams);
            if (offsetIn(weightGrad, flatGrads) != weightOffset[i]) {
                throw new IllegalStateException("gradient and parameter layouts differ in layer " + i);
            }
            activation[i] = Activation.of(conf.getActivationFn());
            penalties[2 * i] = Penalty.of(conf.getRegularization(), weightOffset[i], width[i] * width[i + 1]);
            penalties[2 * i + 1] = Penalty.of(conf.getRegularizationBias(), biasOffset[i], width[i + 1]);
            retain[i] = conf.getIDropout() instanceof Dropout d ? d.getP() : 1; // FusedSupport admits no other
        }
    }

    /** z += the bias at {@code bias} in {@link #params}, on each of {@code n} rows of {@code m} values. */
    void addBias(float[] z, int n, int m, int bias) {
        for (int r = 0; r < n; r++) {
            int row = r * m;
            for (int j = 0; j < m; j++) z[row + j] += params[bias + j];
        }
    }

    /** The bias gradient at {@code bias} in {@link #grads}: the column sums of δ ({@code n} rows of {@code m}). */
    void biasGradient(float[] delta, int n, int m, int bias) {
        java.util.Arrays.fill(grads, bias, bias + m, 0f);
        for (int r = 0; r < n; r++) {
            int row = r * m;
            for (int j = 0; j < m; j++) grads[bias + j] += delta[row + j];
        }
    }

    /** The L2 and weight-decay terms of the score, for the current parameters. */
    double regularizationScore() {
        double s = 0;
        for (Penalty p : penalties) s += p.score(params);
        return s;
    }

    /** The largest weight matrix after layer 0, in multiply-adds per row. */
    long widestAfterFirst() {
        long widest = 0;
        for (int i = 1; i < layers; i++) widest = Math.max(widest, (long) width[i] * width[i + 1]);
        return widest;
    }

    private static int offsetIn(INDArray view, INDArray flat) {
        return (int) (view.offset() - flat.offset());
    }
}
