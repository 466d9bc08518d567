package dev.mnistfcn.engine.fused;

import dev.mnistfcn.Argmax;
import dev.mnistfcn.FloatView;
import dev.mnistfcn.Versions;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A dense softmax {@code MultiLayerNetwork}'s forward pass ({@link #probabilities}) and training step ({@link #fit}),
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
 * <p>The parts: {@link DenseLayers} (the network's arrays as read from DL4J), {@link ForwardPass} (the GEMM
 * forward pass), {@link TrainingPass} (a batch's loss and gradient), {@link UpdateRules} (the update),
 * {@link BlasThreads} (OpenBLAS's thread count), {@link WorkingArrays} (one batch size's arrays).
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
    private final DenseLayers p;
    private final DropoutMasks dropout;     // training only
    private final ForwardPass forward;
    private final TrainingPass training;
    private UpdateRules.Rule rule;          // created by the first fit: inference needs no updater state
    private boolean networkBehind;          // layer 0's weights on the heap are newer than the network's
    private boolean sparseTraining = SPARSE_FORWARD;
    private boolean keepTinyDeltas = "false".equals(System.getProperty("mnistfcn.tinydeltas")); // TinyDeltas off
    /** Inference's idle working arrays by batch size: one set per call in flight, reused by later calls. */
    private final Map<Integer, Queue<WorkingArrays>> idleInference = new ConcurrentHashMap<>();

    /** Whether the JVM has the Vector API module (the CLI's JVM and the tests add it). */
    static final boolean VECTOR_API = Versions.hasVectorApi();
    /** From this batch size the sparse first layer takes its often non-zero inputs through OpenBLAS. */
    public static final int DENSE_INPUTS_FROM_BATCH = SparseFirstLayer.Listing.DENSE_BATCH;
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
        p = new DenseLayers(net);
        dropout = new DropoutMasks(net.getLayerWiseConfigurations().getConf(0).getSeed(), p.retain);
        forward = new ForwardPass(p, dropout);
        training = new TrainingPass(p, forward, dropout);
    }

    /** Chooses layer 0's path for this training data ({@link TrainingPass#chooseFirstLayer}); reads the updater state. */
    private void startTraining(DataSet data) {
        FusedSupport.forTraining(net.getLayerWiseConfigurations()).ifPresent(why -> {
            throw new IllegalStateException("the fused engine cannot train this network: " + why);
        });
        if (sparseTraining) training.chooseFirstLayer(data);
        // One updater block spans all parameters (FusedSupport checks), so one index i runs over the parameter,
        // gradient and moment arrays alike (each core takes a range of it): with an offset added to it for one of
        // them, the JIT stopped vectorising the update (0.3-0.7 ms instead of 0.1 ms per Adam step here).
        var blocks = ((BaseMultiLayerUpdater<?>) net.getUpdater()).getUpdaterBlocks();
        rule = UpdateRules.of(blocks.get(0).getGradientUpdater(), p.params.length, p.layout);
        training.dropTinyDeltas(rule.flushes() && !keepTinyDeltas);
    }

    /** Brings the network's layer-0 weights up to date with the heap's (kept input-major while training sparse). */
    private synchronized void catchUpNetwork() {
        if (networkBehind) p.layout.write(p.params, p.paramBuf);
        networkBehind = false;
    }

    /**
     * Lists {@code data}'s non-zero inputs for training in batches of {@code batchRows}, on the calling thread, if
     * layer 0 would train over them ({@link TrainingPass#prepare}); the first batch on {@code data} then finds them.
     */
    public void prepare(DataSet data, int batchRows) {
        if (sparseTraining) training.prepare(data, batchRows);
    }

    /**
     * Runs {@code work} on the calling thread with every fused network's training on one core meanwhile, leaving the
     * other to {@code work} ({@link SpareCore}).
     */
    public static void onSpareCore(Runnable work) {
        SpareCore.run(work);
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
        for (Penalty penalty : p.penalties) penalty.beforeUpdate(p.params, p.grads, lr);
        rule.apply(p.params, p.grads, iteration, epoch);
        synchronized (this) {
            p.layout.writeAllBut(p.params, p.paramBuf);
            networkBehind = training.sparseFirstLayer();
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
        return training.lossAndGradient(data, rows, iteration);
    }

    /**
     * Class probabilities for each row of {@code features}, as {@code net.output(features, false)} computes them
     * (no dropout at inference); as an INDArray, for the tests that compare it with DL4J's.
     */
    INDArray output(INDArray features) {
        return Nd4j.create(probabilities(features), new long[]{features.rows(), p.width[p.layers]}, 'c');
    }

    /** The most probable class of each row of {@code features} (what {@code output(features).argMax(1)} gives). */
    public int[] classify(INDArray features) {
        return Argmax.ofRows(probabilities(features), p.width[p.layers]);
    }

    /**
     * Class probabilities for each row of {@code features}, row-major: {@link SparseForward} where the Vector API is
     * there and the input sparse, else OpenBLAS's GEMMs.
     */
    public float[] probabilities(INDArray features) {
        int n = (int) features.rows();
        INDArray x = features.dataType() == DataType.FLOAT && features.ordering() == 'c'
                && features.elementWiseStride() == 1 ? features : features.castTo(DataType.FLOAT).dup('c');
        if (SPARSE_FORWARD) {
            float[] probs = new float[n * p.width[p.layers]];
            if (sparseForward().forward(FloatView.of(x), n, probs)) return probs;
        }
        Queue<WorkingArrays> idle = idleInference.computeIfAbsent(n, k -> new ConcurrentLinkedQueue<>());
        WorkingArrays b = idle.poll();
        if (b == null) b = new WorkingArrays(p.width, n, false);
        catchUpNetwork();
        BlasThreads.inferenceStarts();
        try {
            forward.run(b, Gemm.Matrix.of(x), n, 0);
            return b.z[p.layers - 1].clone();
        } finally {
            BlasThreads.inferenceEnds();
            idle.offer(b);
        }
    }

    /** The sparse forward pass for the current parameters (two threads may both build it: the same numbers). */
    SparseForward sparseForward() {
        SparseForward s = sparse;
        if (s == null) {
            int layers = p.layers;
            long[][] stride = new long[layers][];
            for (int i = 0; i < layers; i++) stride[i] = p.weights[i].stride();
            float[] params = p.params;
            s = new SparseForward(p.width, p.activation,
                    (i, k, j) -> params[i == 0 && training.sparseFirstLayer() ? p.layout.weightIndex(k, j)
                            : (int) (p.weightOffset[i] + k * stride[i][0] + j * stride[i][1])],
                    (i, k, j) -> params[p.biasOffset[i] + j]);
            sparse = s;
        }
        return s;
    }

    /** The dropout mask of layer {@code i}'s input in the last training batch, row-major (for tests). */
    float[] dropoutMask(int i) {
        return dropout.mask(i);
    }

    /** The last computed gradient, in the layout of {@code net.params()}. */
    float[] gradient() {
        FloatBuffer inNetworkOrder = FloatBuffer.allocate(p.grads.length);
        p.layout.write(p.grads, inNetworkOrder);
        return inNetworkOrder.array();
    }

    /** Keeps training's layer 0 on OpenBLAS, sparse data or not (for tests of that path; before the first fit). */
    void trainDense() {
        sparseTraining = false;
    }

    /** Leaves tiny δ values as they are ({@link TinyDeltas}; for tests that compare; before the first fit). */
    void keepTinyDeltas() {
        keepTinyDeltas = true;
    }

    /** How many δ values training has set to 0 ({@link TinyDeltas}; for tests). */
    long droppedDeltas() {
        return training.droppedDeltas;
    }

    /** Whether training drops tiny δ ({@link TinyDeltas}; for tests, after the first fit). */
    boolean dropsTinyDeltas() {
        return training.dropsTinyDeltas();
    }

    /** Whether training takes layer 0 over the non-zero inputs (for tests). */
    boolean sparseFirstLayer() {
        return training.sparseFirstLayer();
    }

    /** How many training data sets layer 0 listed at their first batch rather than ahead ({@link #prepare}). */
    int listedOnTrainingThread() {
        return training.listedOnTrainingThread;
    }

    /** How many of layer 0's inputs training takes through OpenBLAS as dense (for tests). */
    int denseInputs() {
        return training.denseInputs();
    }

    double regularizationScore() {
        return p.regularizationScore();
    }
}
