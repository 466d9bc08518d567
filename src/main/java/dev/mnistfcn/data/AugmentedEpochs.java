package dev.mnistfcn.data;

import dev.mnistfcn.FloatView;
import dev.mnistfcn.config.AugmentSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The training set as each epoch sees it under {@code data.augment}: every image distorted ({@link Distortion}),
 * the labels and row numbers unchanged. While the loop trains epoch e, a producer thread distorts epoch e + 1
 * into the other of two buffers, on a core the training step leaves to it ({@code TrainingStep.onSpareCore}), so
 * that the distortions cost the loop only what that core would have added to training.
 *
 * <p>Why whole epochs rather than batch by batch: the fused engine lists the training set's non-zero pixels once
 * per data set, at its first batch (its sparse first layer), so an epoch must be complete before it starts; and
 * each engine takes a batch as rows of one data set ({@code TrainingStep.fit(data, rows)}), DL4J's by pulling
 * them into a batch as without augmentation. Two buffers of 55,000 × 784 floats: 345 MB off the Java heap.
 */
public final class AugmentedEpochs implements AutoCloseable {
    private final DataSet train;
    private final AugmentSpec spec;
    private final long seed;
    private final int lastEpoch;
    private final int side;
    private final Consumer<DataSet> whenMade;
    private final Consumer<Runnable> onSpareCore;
    private final INDArray[] buffers = new INDArray[2];
    private final ExecutorService producer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "augment");
        t.setDaemon(true);
        return t;
    });
    private Future<DataSet> next;
    private int nextEpoch = -1;

    /** Distorts {@code train}'s images (square, row-major) for epochs up to {@code lastEpoch}. */
    public AugmentedEpochs(DataSet train, AugmentSpec spec, long seed, int lastEpoch) {
        this(train, spec, seed, lastEpoch, made -> { }, Runnable::run);
    }

    /**
     * The same, with {@code whenMade} called on the producer thread with each epoch's set once it is complete, before
     * the loop gets it: work the training step would otherwise do at the epoch's first batch (TrainingStep.prepare);
     * and each epoch made while another trains, with {@code whenMade}, run through {@code onSpareCore}: the training
     * step's {@code onSpareCore}, which gives it a core of its own.
     */
    public AugmentedEpochs(DataSet train, AugmentSpec spec, long seed, int lastEpoch, Consumer<DataSet> whenMade,
                           Consumer<Runnable> onSpareCore) {
        this.whenMade = whenMade;
        this.onSpareCore = onSpareCore;
        this.train = train;
        this.spec = spec;
        this.seed = seed;
        this.lastEpoch = lastEpoch;
        this.side = (int) Math.round(Math.sqrt(train.getFeatures().columns()));
        if (side * side != train.getFeatures().columns()) {
            throw new IllegalArgumentException("images are not square: " + train.getFeatures().columns() + " pixels");
        }
    }

    /**
     * Epoch {@code epoch}'s distorted training set (waiting for the producer if it is not ready), and the next
     * epoch's production started. The set returned stays valid until the call for {@code epoch + 1} is made: that
     * call starts epoch {@code epoch + 2} into the same buffers.
     */
    public DataSet epoch(int epoch) {
        Future<DataSet> ready = nextEpoch == epoch ? next : produce(epoch);
        if (epoch < lastEpoch) {
            nextEpoch = epoch + 1;
            next = produce(epoch + 1);
        } else {
            next = null;
            nextEpoch = -1;
        }
        return await(ready, epoch);
    }

    /** Epoch {@code epoch}'s images made on the producer thread, on the core the training step leaves to it. */
    private Future<DataSet> produce(int epoch) {
        return producer.submit(() -> {
            DataSet[] made = new DataSet[1];
            onSpareCore.accept(() -> made[0] = made(distort(epoch)));
            return made[0];
        });
    }

    private <T> T await(Future<T> work, int epoch) {
        try {
            return work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while distorting epoch " + epoch, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("distorting epoch " + epoch + " failed", e.getCause());
        }
    }

    /** Epoch {@code epoch}'s images into buffer {@code epoch % 2}, the one the loop is not training on. */
    private INDArray distort(int epoch) {
        int n = train.numExamples();
        INDArray out = buffers[epoch % 2];
        if (out == null) out = buffers[epoch % 2] = Nd4j.create(DataType.FLOAT, n, side * side);
        distort(FloatView.of(train.getFeatures()), FloatView.of(out), 0, n, new Distortion(spec, side), seed, epoch);
        return out;
    }

    /** The data set of a complete epoch's images, handed to {@code whenMade} first. */
    private DataSet made(INDArray images) {
        DataSet made = new DataSet(images, train.getLabels());
        whenMade.accept(made);
        return made;
    }

    /** Rows {@code from..to} of {@code src} distorted into the same rows of {@code dst}; row r is example r. */
    static void distort(FloatBuffer src, FloatBuffer dst, int from, int to, Distortion d, long seed, int epoch) {
        int pixels = d.pixels();
        float[] in = new float[pixels];
        float[] out = new float[pixels];
        for (int r = from; r < to; r++) {
            src.get(r * pixels, in, 0, pixels);
            d.apply(in, out, seed, epoch, r);
            dst.put(r * pixels, out, 0, pixels);
        }
    }

    @Override
    public void close() {
        producer.shutdownNow();
    }
}
