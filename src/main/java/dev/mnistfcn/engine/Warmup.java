package dev.mnistfcn.engine;

import dev.mnistfcn.engine.fused.FusedDenseNetwork;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The hot kernels (the fused step's sparse first layer, GEMMs, Adam loop; the inference pass of validation) run
 * and compiled by the JIT before epoch 1, on a throwaway copy of the network and made-up MNIST-like rows, while
 * MNIST is still being read on the other core. Without it the first epoch ran 1.5–1.8 s against 0.3 s for the
 * others (issue 29): its first few hundred steps interpreted or half-compiled. The network trained is untouched
 * (a copy; ND4J's random generators are per thread), so the seed-12345 run's numbers stay the same.
 */
public final class Warmup {
    /** Rows of the made-up training set: a few batches' worth at any batch size. */
    private static final int ROWS = 1024;
    /** MNIST's share of non-zero pixels, so that the sparse kernels take the paths they take on MNIST. */
    private static final double NON_ZERO = 0.19;
    /**
     * Rows of a warm-up batch where the config's batch is smaller than {@link FusedDenseNetwork#DENSE_INPUTS_FROM_BATCH}
     * (from that size on the first layer takes another path, warmed at the config's own size). The per-batch code
     * (gathering a batch, the first layer's drivers, the update) reaches C2 after some hundreds of calls whatever a
     * batch's size, the per-row kernels after so many rows: small batches get both compiled for less work. Measured:
     * docs/performance.md, "The whole command, third round".
     */
    public static final int SMALL_BATCH = 25;

    private Warmup() {
    }

    /**
     * Trains a copy of {@code net} on made-up rows, {@code batch} at a time: at least {@code minBatches}, then on until
     * {@code done} says the real work may start, at most {@code maxBatches}; then one inference pass. Returns the
     * batches run. Only for the fused engine (DL4J's {@code fit} has no kernels of ours to warm).
     */
    public static int run(Engine engine, MultiLayerNetwork net, int batch, int minBatches, int maxBatches,
                          BooleanSupplier done) {
        if (engine != Engine.FUSED || minBatches <= 0) return 0;
        // A copy from the configuration and a copy of the parameters: the network itself is only read (not
        // net.clone(), which would give it an updater now).
        MultiLayerNetwork copy = new MultiLayerNetwork(net.getLayerWiseConfigurations().clone());
        copy.init(net.params().dup(), false);
        DataSet rows = madeUp(copy.layerInputSize(0), copy.layerSize(copy.getnLayers() - 1));
        TrainingStep step = engine.trainingStep(copy);
        int[] index = new int[Math.min(batch, ROWS)];
        int n = 0;
        for (; n < maxBatches && (n < minBatches || !done.getAsBoolean()); n++) {
            int from = (n * index.length) % (ROWS - index.length + 1);
            for (int i = 0; i < index.length; i++) index[i] = from + i;
            step.fit(rows, index);
        }
        step.endEpoch();
        step.predictor().classify(rows.getFeatures());
        return n;
    }

    /**
     * The warm-up's least batches, {@code min}, but no more than epoch 1's {@code trainRows} make: a short run's JIT
     * compiles as it goes. 400 made-up batches before a 1,000-image run (a sweep's trial, a test's child JVM) cost
     * 0.3–0.5 s of its 3.5 (3 interleaved pairs, 2-core AMD EPYC).
     */
    public static int minBatches(int min, int trainRows, int rows) {
        return Math.min(min, (trainRows + rows - 1) / rows);
    }

    /** The warm-up's batch size for a config's {@code batch}: at most {@code small} rows, unless the batch is large. */
    public static int batchRows(int batch, int small) {
        return batch >= FusedDenseNetwork.DENSE_INPUTS_FROM_BATCH ? batch : Math.max(1, Math.min(batch, small));
    }

    /** {@code ROWS} rows of {@code width} inputs, {@link #NON_ZERO} of them in (0, 1], one-hot labels. */
    static DataSet madeUp(long width, long classes) {
        Random r = new Random(29);
        float[] x = new float[(int) (ROWS * width)];
        float[] y = new float[(int) (ROWS * classes)];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < width; j++) if (r.nextDouble() < NON_ZERO) x[(int) (i * width + j)] = 1f - r.nextFloat();
            y[(int) (i * classes + r.nextInt((int) classes))] = 1f;
        }
        INDArray features = Nd4j.create(x, new long[]{ROWS, width}, 'c');
        return new DataSet(features, Nd4j.create(y, new long[]{ROWS, classes}, 'c'));
    }
}
