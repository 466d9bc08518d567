package dev.mnistfcn.data;

import dev.mnistfcn.config.DataSpec;
import org.deeplearning4j.datasets.iterator.impl.MnistDataSetIterator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Path;

/**
 * MNIST split as the TensorFlow tutorial splits it: the first {@code validation_size} images of the
 * training file validate, the rest train (optionally trimmed to {@code train_limit}), and t10k tests.
 * Pixels are scaled to [0, 1]; labels are one-hot.
 *
 * <p>Each file is read once through DL4J's {@link MnistDataSetIterator} (its {@code topLevelDir}
 * constructor reads local files, never the network) and kept as one matrix per split, so that an
 * epoch slices batches out of memory instead of re-decoding IDX files.
 */
public record MnistSplits(DataSet train, DataSet validation, DataSet test) {
    public static final int TRAIN_FILE_SIZE = 60_000;
    public static final int TEST_FILE_SIZE = 10_000;

    public static MnistSplits load(DataSpec spec, Path dir) {
        MnistFiles.ensure(dir);
        DataSet all = read(dir, true, TRAIN_FILE_SIZE);
        int v = spec.validationSize();
        int trainEnd = spec.trainLimit() > 0 ? Math.min(TRAIN_FILE_SIZE, v + spec.trainLimit()) : TRAIN_FILE_SIZE;
        DataSet validation = rows(all, 0, v);
        DataSet train = rows(all, v, trainEnd);
        DataSet test = read(dir, false, TEST_FILE_SIZE);
        return new MnistSplits(train, validation, test);
    }

    /** Only the test set (for evaluating a saved model). */
    public static DataSet loadTest(Path dir) {
        MnistFiles.ensure(dir);
        return read(dir, false, TEST_FILE_SIZE);
    }

    private static DataSet read(Path dir, boolean trainFile, int n) {
        try {
            // batch = n: one call decodes the whole file; binarize=false scales pixels to [0, 1]; no shuffle.
            var it = new MnistDataSetIterator(n, n, false, trainFile, false, 0, dir.toFile());
            return it.next();
        } catch (IOException e) {
            throw new dev.mnistfcn.UserError("Cannot read MNIST from " + dir.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    private static DataSet rows(DataSet ds, int from, int to) {
        // dup(): contiguous copies, so the 60,000-row matrix can be freed and batches gather from compact memory.
        INDArray f = ds.getFeatures().get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup();
        INDArray l = ds.getLabels().get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup();
        return new DataSet(f, l);
    }
}
