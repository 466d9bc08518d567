package dev.mnistfcn.engine.fused;

import dev.mnistfcn.FloatView;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import java.util.HashMap;
import java.util.Map;

/**
 * One training batch's forward and backward pass: the loss and gradient DL4J's {@code computeGradientAndScore}
 * gives, with the dropout masks of the iteration. Layer 0 runs over the non-zero inputs only ({@link
 * SparseFirstLayer}) where the training data is sparse enough, else through OpenBLAS as the layers after it.
 */
final class TrainingPass {
    /**
     * From this many multiply-adds a layer's weight gradient (n × inputs × units) goes to the second core while this
     * one carries δ down ({@code -Dmnistfcn.overlap=false} keeps it here, for A/B runs). Measured on the AVX2
     * machine, steps alternating between both ways in one JVM, the forward and backward pass: two-layer's 256 × 64
     * layer 3.5% faster at batch 50 (median of 4 runs; 50 × 256 × 64 = 819,200 multiply-adds), 2-5% at 128, 7-11% at
     * 256 and 512; one-layer's output layer from batch 256 −3.5 … +1.7%. Handing two-layer's 64 × 10 layer over too
     * (under this: 512 × 64 × 10 = 327,680) took the gain at batch 50 and 128 away.
     */
    private static final long OVERLAP_PRODUCT = "false".equals(System.getProperty("mnistfcn.overlap"))
            ? Long.MAX_VALUE : 1L << 19;
    private final DenseLayers p;
    private final ForwardPass forward;
    private final DropoutMasks dropout;
    private final Map<Integer, WorkingArrays> batches = new HashMap<>(); // by batch size
    /** Layer 0 over the non-zero inputs while training on sparse data (chosen at the first fit), else null. */
    private SparseFirstLayer firstLayer;
    private INDArray listed;                // the features the listing below was made of
    private SparseFirstLayer.Listing listing;
    // Listings made ahead on another thread (prepare), of the last two data sets: augmented training alternates two
    // buffers, and the next epoch's may be listed before this epoch's first batch has picked its own up.
    private final Prepared[] prepared = new Prepared[2];
    private int preparedLast;
    int listedOnTrainingThread;            // listings made at a first batch, not ahead (for a test)
    private boolean dropTinyDeltas;         // TinyDeltas, where the update rule flushes its moments
    long droppedDeltas;                     // how many δ TinyDeltas set to 0 (for a test)

    private record Prepared(INDArray features, SparseFirstLayer.Listing listing) {
    }

    TrainingPass(DenseLayers p, ForwardPass forward, DropoutMasks dropout) {
        this.p = p;
        this.forward = forward;
        this.dropout = dropout;
    }

    /**
     * Takes layer 0 over the non-zero inputs where the Vector API is there and at most {@link
     * SparseForward#MAX_DENSITY} of the first rows' inputs are non-zero (MNIST: 0.19; Fashion-MNIST: about 0.5,
     * which stays on OpenBLAS); its weights then live input-major on the heap ({@link HeapLayout}).
     */
    void chooseFirstLayer(DataSet data) {
        int[] width = p.width;
        if (p.weights[0].stride()[0] == 1 && p.weights[0].stride()[1] == width[0] && sparseEnough(data)) {
            firstLayer = new SparseFirstLayer(width[0], width[1]);
            p.layout = HeapLayout.inputMajor(p.weightOffset[0], width[0], width[1]);
            p.layout.read(p.paramBuf, p.params);
        }
    }

    private boolean sparseEnough(DataSet data) {
        int sample = Math.min(1000, data.numExamples());
        double density = SparseFirstLayer.density(FloatView.of(data.getFeatures()), sample, p.width[0]);
        return density <= SparseForward.MAX_DENSITY;
    }

    /**
     * Lists {@code data} for layer 0 now, on the calling thread, where it is sparse enough to train over the non-zero
     * inputs: made while another epoch trains, the listing is then only picked up at {@code data}'s first batch.
     */
    void prepare(DataSet data, int batchRows) {
        INDArray features = data.getFeatures();
        var made = sparseEnough(data) ? new Prepared(features, list(data, batchRows)) : null;
        synchronized (prepared) { // the slot of the same buffer (its earlier contents' listing must never be taken)
            int slot = prepared[0] != null && prepared[0].features() == features ? 0
                    : prepared[1] != null && prepared[1].features() == features ? 1 : 1 - preparedLast;
            prepared[slot] = made;
            preparedLast = slot;
        }
    }

    private SparseFirstLayer.Listing preparedFor(INDArray features) {
        synchronized (prepared) {
            for (Prepared ahead : prepared) if (ahead != null && ahead.features() == features) return ahead.listing();
            return null;
        }
    }

    private SparseFirstLayer.Listing list(DataSet data, int batchRows) {
        return SparseFirstLayer.Listing.forBatches(FloatView.of(data.getFeatures()), data.numExamples(), p.width[0],
                batchRows);
    }

    /** Whether δ values below {@link TinyDeltas#FLOOR} become 0: where the update rule flushes its moments. */
    void dropTinyDeltas(boolean drop) {
        dropTinyDeltas = drop;
    }

    boolean dropsTinyDeltas() {
        return dropTinyDeltas;
    }

    /** Whether layer 0 runs over the non-zero inputs. */
    boolean sparseFirstLayer() {
        return firstLayer != null;
    }

    /** How many of layer 0's inputs go through OpenBLAS as dense. */
    int denseInputs() {
        return listing == null ? 0 : listing.dense().length;
    }

    /** The inputs of {@code data} as layer 0 takes them: listed ahead ({@link #prepare}), else at its first batch. */
    private SparseFirstLayer.Listing listing(DataSet data, int batchRows) {
        if (listed != data.getFeatures()) {
            listing = preparedFor(data.getFeatures());
            if (listing == null) {
                listing = list(data, batchRows);
                listedOnTrainingThread++;
            }
            listed = data.getFeatures();
        }
        return listing;
    }

    /**
     * Forward and backward pass over {@code rows}, with the dropout masks of {@code iteration}: returns the batch's
     * mean cross-entropy and leaves in {@link DenseLayers#grads} its gradient, already divided by the batch size as
     * DL4J's updater does.
     */
    double lossAndGradient(DataSet data, int[] rows, int iteration) {
        int layers = p.layers;
        int[] width = p.width;
        int n = rows.length;
        WorkingArrays b = batches.computeIfAbsent(n, k -> new WorkingArrays(width, k, true));
        b.gatherLabels(data, rows);
        dropout.draw(iteration, n, width);
        boolean denseInputs = false; // layer 0 then calls OpenBLAS on each core, which must be at one thread
        if (firstLayer != null) {
            SparseFirstLayer.Listing all = listing(data, n);
            denseInputs = all.dense().length > 0;
            firstLayer.gather(all, rows, dropout.drops(0) ? dropout.mask(0) : null);
            boolean blasOnAllCores = n * p.widestAfterFirst() >= BlasThreads.PARALLEL_PRODUCT;
            BlasThreads.useFor(blasOnAllCores && !denseInputs ? n : 1);
            firstLayer.forward(p.params, p.layout.weightIndex(0, 0), p.params, p.biasOffset[0], b.z[0], n);
            if (blasOnAllCores) BlasThreads.useFor(n);
            else firstLayer.listByInputInBackground(); // on the core OpenBLAS leaves free
            forward.run(b, null, n, 1);
        } else {
            b.gatherInputs(data, rows);
            if (dropout.drops(0)) { // the input rows are a copy already: drop in place
                float[] x = b.droppedInput();
                b.xBuf.get(0, x);
                dropout.apply(0, x, x.length);
                b.xBuf.put(0, x);
            }
            forward.run(b, b.xMatrix, n, 0);
        }
        double loss = crossEntropy(b.z[layers - 1], b.labels, b.delta[layers - 1], n, width[layers]);
        if (dropTinyDeltas) droppedDeltas += TinyDeltas.drop(b.delta[layers - 1], n * width[layers]);

        // Backward: dW = a_prevᵀ·δ (into the network's gradient view), δ_prev = (δ·Wᵀ) ⊙ f'(z_prev).
        // Where OpenBLAS is at one thread, a large dW goes to the second core while this one computes δ_prev: the
        // same two calls at the same thread count, so the same bits.
        boolean oneThread = BlasThreads.atOneThread();
        for (int i = layers - 1; i >= 0; i--) {
            int m = width[i + 1];
            if (i == 0 && firstLayer != null) break; // below, into the heap gradient
            b.deltaBuf[i].put(0, b.delta[i], 0, n * m);
            Gemm.Matrix input = i == 0 ? b.xMatrix : b.outMatrix[i - 1], delta = b.deltaMatrix[i];
            Gemm.Matrix weightGradient = p.weightGradMatrix[i];
            RowWorkers.Pending dW = null;
            if (i > 0 && oneThread && (long) n * width[i] * m >= OVERLAP_PRODUCT) {
                if (firstLayer != null) firstLayer.finishListing(); // the helper's, from the forward pass
                dW = RowWorkers.SHARED.inBackground(() -> Gemm.multiply(input, true, delta, false, weightGradient));
            } else {
                Gemm.multiply(input, true, delta, false, weightGradient);
            }
            if (i > 0) {
                Gemm.multiply(b.deltaMatrix[i], false, p.weightMatrix[i], true, b.deltaMatrix[i - 1]);
                int k = width[i];
                b.deltaBuf[i - 1].get(0, b.delta[i - 1], 0, n * k);
                if (dropout.drops(i)) dropout.apply(i, b.delta[i - 1], n * k); // DL4J's Dropout.backprop
                p.activation[i - 1].multiplyByDerivative(b.delta[i - 1], b.z[i - 1], b.a[i - 1], n * k);
                if (dropTinyDeltas) droppedDeltas += TinyDeltas.drop(b.delta[i - 1], n * k);
            }
            if (dW != null) dW.join();
        }
        p.layout.readAllBut(p.gradBuf, p.grads);
        for (int i = 0; i < layers; i++) p.biasGradient(b.delta[i], n, width[i + 1], p.biasOffset[i]);
        // Last, so that the update's two-core split follows at once, while the helper that shared this still spins.
        if (firstLayer != null) {
            if (denseInputs) BlasThreads.useFor(1);
            firstLayer.weightGradient(b.delta[0], p.grads, p.layout.weightIndex(0, 0));
        }
        return loss;
    }

    /** DL4J's {@code LossMCXENT} softmax clip (1e-10), as the evaluation's loss clips too. */
    private static final float CLIP = (float) new LossMCXENT().getSoftmaxClipEps();

    /**
     * The mean cross-entropy of probabilities {@code p} (clipped at {@link #CLIP} as DL4J's {@code LossMCXENT} does)
     * and δ = (p − y) / n, which already includes DL4J's division by the batch size.
     */
    private static double crossEntropy(float[] p, float[] y, float[] delta, int n, int classes) {
        double loss = 0;
        for (int i = 0; i < n * classes; i++) {
            if (y[i] != 0f) loss -= y[i] * Math.log(Math.max(p[i], CLIP));
            delta[i] = (p[i] - y[i]) / n;
        }
        return loss / n;
    }
}
