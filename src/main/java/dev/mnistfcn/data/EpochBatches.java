package dev.mnistfcn.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * One epoch of mini-batches over an in-memory training set, in an order drawn from
 * {@code (seed, epoch)} alone: the same epoch gets the same order whether the run was resumed or not.
 * The last batch is smaller when the batch size does not divide the set.
 */
public final class EpochBatches implements Iterator<DataSet> {
    private final DataSet data;
    private final int batchSize;
    private final int[] order;
    private int cursor;

    public EpochBatches(DataSet data, int batchSize, long seed, int epoch) {
        this.data = data;
        this.batchSize = batchSize;
        this.order = permutation(data.numExamples(), seed, epoch);
    }

    public static int[] permutation(int n, long seed, int epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Random rng = new Random(seed * 1_000_003L + epoch);
        for (int i = n - 1; i > 0; i--) { // Fisher–Yates
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    public int batches() {
        return (order.length + batchSize - 1) / batchSize;
    }

    @Override
    public boolean hasNext() {
        return cursor < order.length;
    }

    /** The training-set rows of the next batch (the fused training step copies them itself). */
    public int[] nextRows() {
        if (!hasNext()) throw new NoSuchElementException();
        int end = Math.min(cursor + batchSize, order.length);
        int[] rows = java.util.Arrays.copyOfRange(order, cursor, end);
        cursor = end;
        return rows;
    }

    @Override
    public DataSet next() {
        return rows(data, nextRows());
    }

    /** The given rows of {@code data}, copied into one batch. */
    public static DataSet rows(DataSet data, int[] rows) {
        return new DataSet(Nd4j.pullRows(data.getFeatures(), 1, rows), Nd4j.pullRows(data.getLabels(), 1, rows));
    }
}
