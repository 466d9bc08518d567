package dev.mnistfcn.data;

import dev.mnistfcn.config.AugmentSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The training set as each epoch sees it under {@code data.augment}: every image distorted ({@link Distortion}),
 * the labels and row numbers unchanged. While the loop trains epoch e, epoch e + 1 is made into the other of two
 * buffers: a slice after each batch on the training step's own threads where it lends them ({@link EpochMaker}, the
 * fused engine: {@link #afterBatch}), else by a producer thread beside the step (DL4J's engine).
 *
 * <p>Why after each batch rather than on a thread of its own: on 2 cores that thread takes a core from the step in
 * the middle of a batch, and the step's other thread then waits for it; made between batches on both cores, the
 * images cost about half their CPU time in wall-clock time (AugmentCost, docs/beyond-99.md).
 *
 * <p>Why whole epochs rather than batch by batch: the fused engine lists the training set's non-zero pixels once
 * per data set (its sparse first layer), so an epoch must be complete before it starts; and each engine takes a
 * batch as rows of one data set ({@code TrainingStep.fit(data, rows)}), DL4J's by pulling them into a batch as
 * without augmentation. Two buffers of 55,000 × 784 floats: 345 MB off the Java heap.
 */
public final class AugmentedEpochs implements AutoCloseable {
    private final DataSet train;
    private final AugmentSpec spec;
    private final long seed;
    private final int lastEpoch;
    private final int side;
    private final Consumer<DataSet> whenMade;
    private final INDArray[] buffers = new INDArray[2];
    private final ExecutorService producer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "augment");
        t.setDaemon(true);
        return t;
    });
    private Future<DataSet> next;
    private int nextEpoch = -1;
    // Made between batches (maker not null): the next epoch's set, how many of its rows are made, how many after each
    // batch, and its listing where the step lists rows as they come (else prepared by the producer once complete).
    private final EpochMaker maker;
    private final int perBatch;
    private final Distortion[] distortions;
    private DataSet making;
    private int made;
    private EpochMaker.RowListing listing;

    /** Distorts {@code train}'s images (square, row-major) for epochs up to {@code lastEpoch}. */
    public AugmentedEpochs(DataSet train, AugmentSpec spec, long seed, int lastEpoch) {
        this(train, spec, seed, lastEpoch, made -> { }, null, 1);
    }

    /**
     * The same, and {@code whenMade} called on the producer thread with each epoch's set once it is complete, before
     * the loop gets it: work the training step would otherwise do at the epoch's first batch (TrainingStep.prepare).
     * With a {@code maker} (null: a producer thread) the images are made on its threads, a share of an epoch of
     * {@code batchSize} batches after each batch ({@link #afterBatch}).
     */
    public AugmentedEpochs(DataSet train, AugmentSpec spec, long seed, int lastEpoch, Consumer<DataSet> whenMade,
                           EpochMaker maker, int batchSize) {
        this.whenMade = whenMade;
        this.maker = maker;
        this.train = train;
        this.spec = spec;
        this.seed = seed;
        this.lastEpoch = lastEpoch;
        this.side = (int) Math.round(Math.sqrt(train.getFeatures().columns()));
        if (side * side != train.getFeatures().columns()) {
            throw new IllegalArgumentException("images are not square: " + train.getFeatures().columns() + " pixels");
        }
        int n = train.numExamples();
        int batches = Math.max(1, (n + batchSize - 1) / batchSize);
        perBatch = (n + batches - 1) / batches; // the whole next epoch within this one's batches
        distortions = new Distortion[maker == null ? 1 : maker.threads()];
        for (int t = 0; t < distortions.length; t++) distortions[t] = new Distortion(spec, side);
    }

    /**
     * Epoch {@code epoch}'s distorted training set (waiting for the producer if it is not ready), and the next
     * epoch's production started. The set returned stays valid until the call for {@code epoch + 1} returns.
     */
    public DataSet epoch(int epoch) {
        if (maker != null) return epochMadeBetweenBatches(epoch);
        Future<DataSet> ready = nextEpoch == epoch ? next : producer.submit(() -> produce(epoch));
        DataSet data;
        try {
            data = ready.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while distorting epoch " + epoch, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("distorting epoch " + epoch + " failed", e.getCause());
        }
        if (epoch < lastEpoch) {
            nextEpoch = epoch + 1;
            next = producer.submit(() -> produce(epoch + 1));
        } else {
            next = null;
            nextEpoch = -1;
        }
        return data;
    }

    /** Epoch {@code epoch}'s images into buffer {@code epoch % 2}, the one the loop is not training on. */
    private DataSet produce(int epoch) {
        DataSet made = buffer(epoch);
        distort(floats(train.getFeatures()), floats(made.getFeatures()), 0, train.numExamples(), distortions[0], seed, epoch);
        whenMade.accept(made);
        return made;
    }

    /** Buffer {@code epoch % 2} with the training labels, as the set epoch {@code epoch} trains on. */
    private DataSet buffer(int epoch) {
        INDArray out = buffers[epoch % 2];
        if (out == null) out = buffers[epoch % 2] = Nd4j.create(DataType.FLOAT, train.numExamples(), side * side);
        return new DataSet(out, train.getLabels());
    }

    /** {@link #epoch} with a maker: the rest of the epoch made now (all of it for the first), then the next begun. */
    private DataSet epochMadeBetweenBatches(int epoch) {
        if (making == null || nextEpoch != epoch) begin(epoch);
        makeRows(train.numExamples() - made);
        DataSet data = making;
        if (listing != null) listing.complete();
        else awaitPrepared();
        making = null;
        if (epoch < lastEpoch) begin(epoch + 1);
        return data;
    }

    /**
     * After each batch of the loop: the next share of the next epoch's images, on the maker's threads (nothing without
     * a maker: the producer thread makes them). The last share hands the whole set to the producer thread where the
     * step prepares it only once complete.
     */
    public void afterBatch() {
        if (making != null && made < train.numExamples()) makeRows(Math.min(perBatch, train.numExamples() - made));
    }

    private void begin(int epoch) {
        nextEpoch = epoch;
        making = buffer(epoch);
        made = 0;
        listing = maker.listing(making);
        next = null;
    }

    /** The next {@code rows} rows of the set being made, split over the maker's threads. */
    private void makeRows(int rows) {
        if (rows <= 0) return;
        int from = made, to = made + rows, tasks = Math.min(distortions.length, rows);
        FloatBuffer src = floats(train.getFeatures()), dst = floats(making.getFeatures());
        int epoch = nextEpoch;
        EpochMaker.RowListing counting = listing;
        maker.run(tasks, t -> {
            int a = share(from, to, tasks, t), b = share(from, to, tasks, t + 1);
            distort(src, dst, a, b, distortions[t], seed, epoch);
            if (counting != null) counting.count(a, b); // while the rows are in this core's cache
        });
        if (listing != null) {
            listing.place(from, to);
            maker.run(tasks, t -> listing.list(share(from, to, tasks, t), share(from, to, tasks, t + 1)));
        }
        made = to;
        if (made == train.numExamples() && listing == null) {
            DataSet complete = making;
            next = producer.submit(() -> {
                whenMade.accept(complete);
                return complete;
            });
        }
    }

    private static int share(int from, int to, int tasks, int t) {
        return from + (int) ((long) (to - from) * t / tasks);
    }

    /** Waits for the producer's prepare of the set just made, where it has one. */
    private void awaitPrepared() {
        if (next == null) return;
        try {
            next.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing epoch " + nextEpoch, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("preparing epoch " + nextEpoch + " failed", e.getCause());
        }
        next = null;
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

    /** A contiguous float matrix's values in place (a view starts at its offset in the allocation). */
    static FloatBuffer floats(INDArray a) {
        if (a.dataType() != DataType.FLOAT || a.elementWiseStride() != 1) {
            throw new IllegalArgumentException("expected a contiguous float array, got " + a.shapeInfoToString());
        }
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().slice((int) a.offset(), (int) a.length());
    }

    @Override
    public void close() {
        producer.shutdownNow();
    }
}
