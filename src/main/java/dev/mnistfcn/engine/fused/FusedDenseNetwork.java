package dev.mnistfcn.engine.fused;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A dense softmax {@code MultiLayerNetwork}'s forward pass ({@link #output}) and training step ({@link #fit}),
 * computing what DL4J's {@code output} and {@code fit(DataSet)} compute — the same loss, gradients, dropout
 * ({@link DropoutMasks}), L2 and weight decay ({@link Penalty}) and DL4J Adam/SGD formula at the updater's
 * (scheduled) rate ({@link UpdateRules}), on the network's own parameter and updater-state arrays (the latter
 * written back by {@link #writeBack}), advancing its iteration count — in a handful of BLAS calls plus
 * plain Java loops.
 *
 * <p>Why our own step instead of {@code fit}: measured on the tutorial's 784-256-64-10 network at batch 50 on
 * the 2-core reference machine, {@code fit} spends ~6.3 ms per batch, of which the GEMMs are ~1.1 ms. libnd4j's
 * Adam op alone takes ~2 ms for the 218k parameters (its element-wise {@code sqrt} runs at ~5 ns per float; the
 * same Adam loop in Java, vectorised by the JIT, takes ~0.1 ms), and every small op of the layer API costs
 * 10–20 µs of call overhead, dozens of them per batch. Here the matrices stay in ND4J's memory (GEMMs through
 * {@link Gemm}, i.e. OpenBLAS); the element-wise work (bias, activation, softmax, loss, Adam) runs in Java on
 * heap copies. Result: about 6× faster than {@code fit} (docs/performance.md). {@code FusedDenseNetworkTest}
 * checks the losses, gradients, Adam steps and class probabilities against DL4J's.
 *
 * <p>On sparse inputs (MNIST: 19% of the pixels non-zero) training takes layer 0 over the non-zero inputs only,
 * on both cores ({@link SparseFirstLayer}); its weights then live input-major on the heap ({@link HeapLayout}) and
 * reach the network at {@link #writeBack} or before a dense inference pass, not after every step.
 *
 * <p>Only for networks {@link FusedSupport} admits: {@link FusedSupport#forInference} for {@link #output},
 * {@link FusedSupport#forTraining} for {@link #fit}.
 *
 * <p>Threads: {@link #output} and {@link #classify} may be called by many threads at once (a server); each call
 * takes its own working arrays from a pool. {@link #fit} and {@link #writeBack} change the parameters and
 * run on one thread, never alongside inference.
 */
public final class FusedDenseNetwork {
    private final MultiLayerNetwork net;
    private final int layers;
    private final int[] width;              // width[0] = inputs, width[i] = units of layer i
    private final Activation[] activation;  // hidden layers; the last layer is softmax
    private final INDArray[] weights;       // views into net.params()
    private final Gemm.Matrix[] weightMatrix;     // the same weights, as the GEMMs read them
    private final Gemm.Matrix[] weightGradMatrix; // views into net.getFlattenedGradients()
    private final int[] weightOffset;
    private final int[] biasOffset;
    private final Penalty[] penalties;      // L2 and weight decay of each layer's weights and biases
    private final DropoutMasks dropout;     // training only
    private final FloatBuffer paramBuf;
    private final FloatBuffer gradBuf;
    private final float[] params;           // heap copy of net.params(), written back after every step
    private final float[] grads;
    private UpdateRules.Rule rule;          // created by the first fit: inference needs no updater state
    /** Layer 0 over the non-zero inputs while training on sparse data (chosen at the first fit), else null. */
    private SparseFirstLayer firstLayer;
    private HeapLayout layout = HeapLayout.SAME;
    private boolean networkBehind;          // layer 0's weights on the heap are newer than the network's
    private boolean sparseTraining = SPARSE_FORWARD;
    private INDArray listed;                // the features the listing below was made of
    private SparseFirstLayer.Listing listing;
    private final Map<Integer, Batch> batches = new HashMap<>(); // training's, by batch size
    /** Inference's idle working arrays by batch size: one set per call in flight, reused by later calls. */
    private final Map<Integer, Queue<Batch>> idleInference = new ConcurrentHashMap<>();

    /** Whether the JVM has the Vector API module (the CLI's JVM and the tests add it). */
    static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    /**
     * Whether inference may use {@link SparseForward} (and training {@link SparseFirstLayer}): the Vector API is
     * there and {@code -Dmnistfcn.sparse=false} does not turn it off (for A/B measurements).
     */
    static final boolean SPARSE_FORWARD = VECTOR_API && !"false".equals(System.getProperty("mnistfcn.sparse"));
    private volatile SparseForward sparse;  // built at the first output() after a change of the parameters

    /**
     * For a network {@link FusedSupport#forInference} admits; reads its parameters now, its updater state at the
     * first {@link #fit}.
     */
    public FusedDenseNetwork(MultiLayerNetwork net) {
        FusedSupport.forInference(net.getLayerWiseConfigurations()).ifPresent(why -> {
            throw new IllegalArgumentException("the fused engine does not cover this network: " + why);
        });
        this.net = net;
        this.layers = net.getnLayers();
        width = new int[layers + 1];
        activation = new Activation[layers];
        weights = new INDArray[layers];
        weightMatrix = new Gemm.Matrix[layers];
        weightGradMatrix = new Gemm.Matrix[layers];
        weightOffset = new int[layers];
        biasOffset = new int[layers];
        penalties = new Penalty[2 * layers];
        double[] retain = new double[layers];
        INDArray flatParams = net.params();
        if (net.getFlattenedGradients() == null) net.initGradientsView(); // e.g. a network restored from a zip
        INDArray flatGrads = net.getFlattenedGradients();
        paramBuf = floats(flatParams);
        gradBuf = floats(flatGrads);
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
        dropout = new DropoutMasks(net.getLayerWiseConfigurations().getConf(0).getSeed(), retain);
    }

    /**
     * Chooses layer 0's path for this training data and reads the updater state: the sparse one where the Vector
     * API is there and at most {@link SparseForward#MAX_DENSITY} of the first rows' inputs are non-zero (MNIST:
     * 0.19; Fashion-MNIST: about 0.5, which stays on OpenBLAS).
     */
    private void startTraining(DataSet data) {
        FusedSupport.forTraining(net.getLayerWiseConfigurations()).ifPresent(why -> {
            throw new IllegalStateException("the fused engine cannot train this network: " + why);
        });
        int sample = Math.min(1000, data.numExamples());
        if (sparseTraining && weights[0].stride()[0] == 1 && weights[0].stride()[1] == width[0]
                && SparseFirstLayer.density(floats(data.getFeatures()), sample, width[0]) <= SparseForward.MAX_DENSITY) {
            firstLayer = new SparseFirstLayer(width[0], width[1]);
            layout = HeapLayout.inputMajor(weightOffset[0], width[0], width[1]);
            layout.read(paramBuf, params);
        }
        // One updater block spans all parameters (FusedSupport checks), so one index i runs over the parameter,
        // gradient and moment arrays alike (each core takes a range of it): with an offset added to it for one of
        // them, the JIT stopped vectorising the update (0.3-0.7 ms instead of 0.1 ms per Adam step here).
        var blocks = ((BaseMultiLayerUpdater<?>) net.getUpdater()).getUpdaterBlocks();
        rule = UpdateRules.of(blocks.get(0).getGradientUpdater(), params.length, layout);
    }

    /** The inputs of {@code data} as layer 0 takes them, listed at its first batch (training runs on one data set). */
    private SparseFirstLayer.Listing listing(DataSet data, int batchRows) {
        if (listed != data.getFeatures()) {
            listing = SparseFirstLayer.Listing.forBatches(floats(data.getFeatures()), data.numExamples(), width[0], batchRows);
            listed = data.getFeatures();
        }
        return listing;
    }

    /** Brings the network's layer-0 weights up to date with the heap's (kept input-major while training sparse). */
    private synchronized void catchUpNetwork() {
        if (networkBehind) layout.write(params, paramBuf);
        networkBehind = false;
    }

    /**
     * Trains on {@code rows} of {@code data} (one mini-batch) and returns what {@code net.score()} would
     * report after {@code fit}: the batch's mean cross-entropy (with dropout, as DL4J's training pass has it)
     * plus the L2 and weight-decay terms. The learning rate is the updater's at the network's iteration and epoch
     * counts, what DL4J's updater asks its schedule for.
     */
    public double fit(DataSet data, int[] rows) {
        int iteration = net.getIterationCount();
        int epoch = net.getEpochCount();
        if (rule == null) startTraining(data);
        double loss = lossAndGradient(data, rows, iteration) + regularizationScore();
        double lr = rule.learningRate(iteration, epoch);
        for (Penalty p : penalties) p.beforeUpdate(params, grads, lr);
        rule.apply(params, grads, iteration, epoch);
        synchronized (this) {
            layout.writeAllBut(params, paramBuf);
            networkBehind = firstLayer != null;
        }
        sparse = null;
        net.setIterationCount(iteration + 1);
        net.setScore(loss);
        return loss;
    }

    /**
     * Makes the network whole for saving or for DL4J's own methods: the parameters are written back after every
     * step, but the Adam moments (copying them each step cost 0.17-0.19 ms of a ~2 ms step) and, while training
     * sparse, layer 0's weights (a transposing copy) only here.
     * The training loop calls this at the end of every epoch ({@code TrainingStep.endEpoch}), before validation
     * and checkpoints.
     */
    public void writeBack() {
        catchUpNetwork();
        if (rule != null) rule.writeBack();
    }

    /**
     * Forward and backward pass over {@code rows}, with the dropout masks of {@code iteration}: returns the batch's
     * mean cross-entropy and leaves in {@link #gradient()} its gradient, already divided by the batch size as
     * DL4J's updater does.
     */
    double lossAndGradient(DataSet data, int[] rows, int iteration) {
        int n = rows.length;
        Batch b = batches.computeIfAbsent(n, k -> new Batch(k, true));
        b.gatherLabels(data, rows);
        dropout.draw(iteration, n, width);
        boolean denseInputs = false; // layer 0 then calls OpenBLAS on each core, which must be at one thread
        if (firstLayer != null) {
            SparseFirstLayer.Listing all = listing(data, n);
            denseInputs = all.dense().length > 0;
            firstLayer.gather(all, rows, dropout.drops(0) ? dropout.mask(0) : null);
            boolean blasOnAllCores = n * widestAfterFirst() >= PARALLEL_PRODUCT;
            useBlasThreadsFor(blasOnAllCores && !denseInputs ? n : 1);
            firstLayer.forward(params, layout.weightIndex(0, 0), params, biasOffset[0], b.z[0], n);
            if (blasOnAllCores) useBlasThreadsFor(n);
            else firstLayer.listByInputInBackground(); // on the core OpenBLAS leaves free
            forward(b, null, n, 1);
        } else {
            b.gatherInputs(data, rows);
            if (dropout.drops(0)) { // the input rows are a copy already: drop in place
                float[] x = b.droppedInput();
                b.xBuf.get(0, x);
                dropout.apply(0, x, x.length);
                b.xBuf.put(0, x);
            }
            forward(b, b.xMatrix, n, 0);
        }
        double loss = crossEntropy(b.z[layers - 1], b.labels, b.delta[layers - 1], n, width[layers]);

        // Backward: dW = a_prevᵀ·δ (into the network's gradient view), δ_prev = (δ·Wᵀ) ⊙ f'(z_prev).
        for (int i = layers - 1; i >= 0; i--) {
            int m = width[i + 1];
            if (i == 0 && firstLayer != null) break; // below, into the heap gradient
            b.deltaBuf[i].put(0, b.delta[i], 0, n * m);
            Gemm.multiply(i == 0 ? b.xMatrix : b.outMatrix[i - 1], true, b.deltaMatrix[i], false, weightGradMatrix[i]);
            if (i > 0) {
                Gemm.multiply(b.deltaMatrix[i], false, weightMatrix[i], true, b.deltaMatrix[i - 1]);
                int k = width[i];
                b.deltaBuf[i - 1].get(0, b.delta[i - 1], 0, n * k);
                if (dropout.drops(i)) dropout.apply(i, b.delta[i - 1], n * k); // DL4J's Dropout.backprop
                activation[i - 1].multiplyByDerivative(b.delta[i - 1], b.z[i - 1], b.a[i - 1], n * k);
            }
        }
        layout.readAllBut(gradBuf, grads);
        for (int i = 0; i < layers; i++) biasGradient(b.delta[i], n, width[i + 1], biasOffset[i]);
        // Last, so that the update's two-core split follows at once, while the helper that shared this still spins.
        if (firstLayer != null) {
            if (denseInputs) useBlasThreadsFor(1);
            firstLayer.weightGradient(b.delta[0], grads, layout.weightIndex(0, 0));
        }
        return loss;
    }

    /**
     * Class probabilities for each row of {@code features}, as {@code net.output(features, false)} computes them
     * (no dropout at inference).
     */
    public INDArray output(INDArray features) {
        return Nd4j.create(probabilities(features), new long[]{features.rows(), width[layers]}, 'c');
    }

    /** The most probable class of each row of {@code features} (what {@code output(features).argMax(1)} gives). */
    public int[] classify(INDArray features) {
        float[] p = probabilities(features);
        int classes = width[layers];
        int[] best = new int[(int) features.rows()];
        for (int r = 0; r < best.length; r++) {
            for (int j = 1; j < classes; j++) {
                if (p[r * classes + j] > p[r * classes + best[r]]) best[r] = j;
            }
        }
        return best;
    }

    /** Row-major class probabilities: {@link SparseForward} where the Vector API is there and the input sparse. */
    private float[] probabilities(INDArray features) {
        int n = (int) features.rows();
        INDArray x = features.dataType() == DataType.FLOAT && features.ordering() == 'c'
                && features.elementWiseStride() == 1 ? features : features.castTo(DataType.FLOAT).dup('c');
        if (SPARSE_FORWARD) {
            float[] probs = new float[n * width[layers]];
            if (sparseForward().forward(floats(x), n, probs)) return probs;
        }
        Queue<Batch> idle = idleInference.computeIfAbsent(n, k -> new ConcurrentLinkedQueue<>());
        Batch b = idle.poll();
        if (b == null) b = new Batch(n, false);
        catchUpNetwork();
        synchronized (BLAS_THREADS) {
            inferenceInFlight++;
        }
        try {
            forward(b, Gemm.Matrix.of(x), n, 0);
            return b.z[layers - 1].clone();
        } finally {
            synchronized (BLAS_THREADS) {
                inferenceInFlight--;
            }
            idle.offer(b);
        }
    }

    /** The sparse forward pass for the current parameters (two threads may both build it: the same numbers). */
    SparseForward sparseForward() {
        SparseForward s = sparse;
        if (s == null) {
            long[][] stride = new long[layers][];
            for (int i = 0; i < layers; i++) stride[i] = weights[i].stride();
            s = new SparseForward(width, activation,
                    (i, k, j) -> params[i == 0 && firstLayer != null ? layout.weightIndex(k, j)
                            : (int) (weightOffset[i] + k * stride[i][0] + j * stride[i][1])],
                    (i, k, j) -> params[biasOffset[i] + j]);
            sparse = s;
        }
        return s;
    }

    /**
     * z = a·W + bias, a = f(z) layer by layer from layer {@code from} (layer 0 from {@code x}; from 1 on, layer 0's
     * z is in {@code b.z[0]} already, bias included); the off-heap {@code out[i]} first holds z, then a (the next
     * GEMM's input). Leaves the softmax probabilities in {@code b.z[last]}.
     */
    private void forward(Batch b, Gemm.Matrix x, int n, int from) {
        if (from == 0) useBlasThreadsFor(n);
        for (int i = 0; i < layers; i++) {
            int m = width[i + 1];
            float[] z = b.z[i];
            if (i >= from) {
                Gemm.multiply(i == 0 ? x : b.outMatrix[i - 1], false, weightMatrix[i], false, b.outMatrix[i]);
                b.outBuf[i].get(0, z, 0, n * m);
                addBias(z, n, m, biasOffset[i]);
            }
            if (i < layers - 1) {
                activation[i].apply(z, b.a[i], n * m);
                float[] next = b.a[i];
                if (b.training && dropout.drops(i + 1)) { // training only: the next layer's input dropout
                    next = b.dropped(i, n * m);
                    System.arraycopy(b.a[i], 0, next, 0, n * m);
                    dropout.apply(i + 1, next, n * m);
                }
                b.outBuf[i].put(0, next, 0, n * m);
            }
        }
        Activation.softmax(b.z[layers - 1], 0, n, width[layers]);
    }

    /** The dropout mask of layer {@code i}'s input in the last training batch, row-major (for tests). */
    float[] dropoutMask(int i) {
        return dropout.mask(i);
    }

    /** The last computed gradient, in the layout of {@code net.params()}. */
    float[] gradient() {
        FloatBuffer inNetworkOrder = FloatBuffer.allocate(grads.length);
        layout.write(grads, inNetworkOrder);
        return inNetworkOrder.array();
    }

    /** Keeps training's layer 0 on OpenBLAS, sparse data or not (for tests of that path; before the first fit). */
    void trainDense() {
        sparseTraining = false;
    }

    /** Whether training takes layer 0 over the non-zero inputs (for tests). */
    boolean sparseFirstLayer() {
        return firstLayer != null;
    }

    /** How many of layer 0's inputs training takes through OpenBLAS as dense (for tests). */
    int denseInputs() {
        return listing == null ? 0 : listing.dense().length;
    }

    private void addBias(float[] z, int n, int m, int bias) {
        for (int r = 0; r < n; r++) {
            int row = r * m;
            for (int j = 0; j < m; j++) z[row + j] += params[bias + j];
        }
    }

    /**
     * OpenBLAS threads for the next GEMMs, measured on the 2-core reference machine: one for batch 50, where a
     * second thread made a training step slower (2.17 vs 1.85 ms, interleaved A/B); all cores from
     * {@value #PARALLEL_ROWS} rows: a batch-128 epoch 0.81 instead of 1.07-1.23 s, batch 512 no change, and the
     * 10,000-image forward pass 49-57 instead of 71-82 ms. The process otherwise keeps ND4J at one thread
     * ({@code NativeSettings}).
     *
     * <p>OpenBLAS's thread count is one global setting, so it changes only while no other inference call is inside
     * its GEMMs: a concurrent caller keeps the count it finds (the numbers are the same either way, only the speed
     * differs) rather than switch it under a {@code cblas_sgemm} in flight or wait for a lock. Concurrent callers
     * are the parallelism then (a server's requests).
     */
    private static void useBlasThreadsFor(int rows) {
        int threads = rows >= PARALLEL_ROWS ? Runtime.getRuntime().availableProcessors() : 1;
        synchronized (BLAS_THREADS) {
            if (threads != blasThreads && inferenceInFlight <= 1) {
                Nd4j.factory().blas().setMaxThreads(threads);
                blasThreads = threads;
            }
        }
    }

    private static final int PARALLEL_ROWS = 100;
    /**
     * With layer 0 sparse, the GEMMs of the layers after it get OpenBLAS's threads only from this many
     * multiply-adds per row-weight product on: the helper threads of {@link SparseFirstLayer} spin a moment after
     * each call and slow a two-thread GEMM that follows. Measured here at batch 512: the tutorial's 256×64 layer
     * (8.4M) took 0.32-0.36 s per epoch with one thread, 0.56-0.68 s with two; config/tuned.yaml's 1024×1024
     * (134M at batch 128) is GEMM-bound and needs both cores.
     */
    private static final long PARALLEL_PRODUCT = 32L << 20;

    /** The largest weight matrix after layer 0, in multiply-adds per row. */
    private long widestAfterFirst() {
        long widest = 0;
        for (int i = 1; i < layers; i++) widest = Math.max(widest, (long) width[i] * width[i + 1]);
        return widest;
    }
    private static final Object BLAS_THREADS = new Object(); // guards the two fields below
    private static int blasThreads = -1;
    private static int inferenceInFlight; // calls, over all networks, between their first and last inference GEMM

    /**
     * The mean cross-entropy of probabilities {@code p} (clipped at 1e-10 as DL4J's {@code LossMCXENT} does)
     * and δ = (p − y) / n, which already includes DL4J's division by the batch size.
     */
    private static double crossEntropy(float[] p, float[] y, float[] delta, int n, int classes) {
        double loss = 0;
        for (int i = 0; i < n * classes; i++) {
            if (y[i] != 0f) loss -= y[i] * Math.log(Math.max(p[i], 1e-10f));
            delta[i] = (p[i] - y[i]) / n;
        }
        return loss / n;
    }

    private void biasGradient(float[] delta, int n, int m, int bias) {
        java.util.Arrays.fill(grads, bias, bias + m, 0f);
        for (int r = 0; r < n; r++) {
            int row = r * m;
            for (int j = 0; j < m; j++) grads[bias + j] += delta[row + j];
        }
    }

    double regularizationScore() {
        double s = 0;
        for (Penalty p : penalties) s += p.score(params);
        return s;
    }

    /** Working arrays for one batch size: off-heap where a GEMM reads or writes them, heap copies for Java loops. */
    private final class Batch {
        final boolean training;             // inference applies no dropout, as DL4J's output(x, false)
        final Gemm.Matrix xMatrix;
        final FloatBuffer xBuf;
        final float[] labels;
        final Gemm.Matrix[] outMatrix;
        final FloatBuffer[] outBuf;
        final Gemm.Matrix[] deltaMatrix;
        final FloatBuffer[] deltaBuf;
        final float[][] z;
        final float[][] a;
        final float[][] delta;
        private float[] droppedInput;
        private final float[][] dropped;

        Batch(int n, boolean training) {
            this.training = training;
            dropped = new float[layers][];
            INDArray x = training ? Nd4j.create(DataType.FLOAT, n, width[0]) : null;
            xMatrix = training ? Gemm.Matrix.of(x) : null;
            xBuf = training ? floats(x) : null;
            labels = training ? new float[n * width[layers]] : null;
            outMatrix = new Gemm.Matrix[layers];
            outBuf = new FloatBuffer[layers];
            deltaMatrix = new Gemm.Matrix[layers];
            deltaBuf = new FloatBuffer[layers];
            z = new float[layers][];
            a = new float[layers][];
            delta = new float[layers][];
            for (int i = 0; i < layers; i++) {
                int m = width[i + 1];
                INDArray out = Nd4j.create(DataType.FLOAT, n, m);
                outMatrix[i] = Gemm.Matrix.of(out);
                outBuf[i] = floats(out);
                z[i] = new float[n * m];
                a[i] = new float[n * m];
                if (training) {
                    INDArray d = Nd4j.create(DataType.FLOAT, n, m);
                    deltaMatrix[i] = Gemm.Matrix.of(d);
                    deltaBuf[i] = floats(d);
                    delta[i] = new float[n * m];
                }
            }
        }

        /** A heap copy of the input rows, to drop values in. */
        float[] droppedInput() {
            if (droppedInput == null) droppedInput = new float[xBuf.capacity()];
            return droppedInput;
        }

        /** Layer {@code i}'s activations after dropout (b.a keeps them before, for the derivative). */
        float[] dropped(int i, int len) {
            if (dropped[i] == null) dropped[i] = new float[len];
            return dropped[i];
        }

        /** Copies the chosen rows' inputs straight from the preloaded matrix (no ND4J op per batch). */
        void gatherInputs(DataSet data, int[] rows) {
            FloatBuffer features = floats(data.getFeatures());
            int in = width[0];
            for (int r = 0; r < rows.length; r++) xBuf.put(r * in, features, rows[r] * in, in);
        }

        void gatherLabels(DataSet data, int[] rows) {
            FloatBuffer targets = floats(data.getLabels());
            int classes = width[layers];
            for (int r = 0; r < rows.length; r++) targets.get(rows[r] * classes, labels, r * classes, classes);
        }
    }

    /** The floats of a contiguous array, indexed from its first element. */
    static FloatBuffer floats(INDArray a) {
        if (a.dataType() != DataType.FLOAT || a.length() > 0 && a.elementWiseStride() != 1) {
            throw new IllegalArgumentException("expected a contiguous float array, got " + a.shapeInfoToString());
        }
        // asNio() spans the whole underlying allocation; a view starts at its offset within it.
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().slice((int) a.offset(), (int) a.length());
    }

    private static int offsetIn(INDArray view, INDArray flat) {
        return (int) (view.offset() - flat.offset());
    }
}
