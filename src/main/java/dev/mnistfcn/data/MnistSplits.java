package dev.mnistfcn.data;

import dev.mnistfcn.FloatView;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.DataSpec;
import org.deeplearning4j.datasets.iterator.impl.MnistDataSetIterator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

import static dev.mnistfcn.Mnist.CLASSES;
import static dev.mnistfcn.Mnist.TEST_FILE_SIZE;

/**
 * MNIST (or Fashion-MNIST, which has the same shape and file layout) split as the TensorFlow tutorial splits it: the first {@code validation_size} images of the
 * training file validate, the rest train (optionally trimmed to {@code train_limit}), and t10k tests.
 * Pixels are scaled to [0, 1]; labels are one-hot.
 *
 * <p>Each file is decoded once into one off-heap matrix (the same values DL4J's {@link MnistDataSetIterator}
 * gives, with less memory), and the splits are row ranges of it, so that an epoch slices batches out of
 * memory instead of re-decoding IDX files.
 */
public record MnistSplits(DataSet train, DataSet validation, DataSet test) {
    public static MnistSplits load(DataSpec spec, Path dir) {
        Map<String, Path> files = DatasetFiles.ensure(Dataset.of(spec), dir);
        int v = spec.validationSize();
        int trainEnd = v + spec.trainSize();
        // Only the rows a run uses: with data.train_limit 2000 the other 53,000 were decoded for nothing (a test's
        // run took 1.45 s in a warm JVM, now 0.6; --quick's 5,000 leave 50,000). The files are still checked whole.
        DataSet all = read(files, true, trainEnd);
        DataSet validation = rows(all, 0, v);
        DataSet train = rows(all, v, trainEnd);
        DataSet test = read(files, false, TEST_FILE_SIZE);
        return new MnistSplits(train, validation, test);
    }

    /** Only MNIST's test set (for evaluating a saved model). */
    public static DataSet loadTest(Path dir) {
        return loadTest(Dataset.MNIST, dir);
    }

    /** Only the test set of {@code dataset} (for evaluating a saved model). */
    public static DataSet loadTest(Dataset dataset, Path dir) {
        return read(DatasetFiles.ensureTest(dataset, dir), false, TEST_FILE_SIZE);
    }

    private static DataSet read(Map<String, Path> files, boolean trainFile, int n) {
        String prefix = trainFile ? "train" : "t10k";
        Path images = files.get(prefix + "-images-idx3-ubyte");
        Path labels = files.get(prefix + "-labels-idx1-ubyte");
        try {
            return new DataSet(images(images, n), oneHot(labels, n));
        } catch (IOException e) {
            throw new UserError("Cannot read " + images.toAbsolutePath() + " / " + labels.getFileName() + ": " + UserError.reason(e) + ".");
        }
    }

    /**
     * An IDX image file decoded row by row straight into one off-heap matrix, pixels / 255 — exactly what
     * {@link MnistDataSetIterator} (binarize=false) produces; {@code MnistFilesTest} compares the two. Why not the
     * iterator: it decodes through a 188 MB {@code float[][]} on the Java heap plus a byte copy of the file, which
     * put the process at 900+ MB RSS before training started; this keeps the heap out of it.
     */
    static INDArray images(Path file, int n) throws IOException {
        try (var in = new DataInputStream(DatasetFiles.open(file))) {
            int magic = in.readInt();
            int count = in.readInt();
            int pixels = in.readInt() * in.readInt();
            if (magic != 2051 || count < n) throw new IOException(file + " is not an IDX image file with " + n + " images");
            INDArray x = Nd4j.createUninitialized(DataType.FLOAT, n, pixels); // every value is written below
            FloatBuffer out = FloatView.of(x);
            byte[] raw = new byte[pixels];
            float[] row = new float[pixels];
            for (int i = 0; i < n; i++) {
                in.readFully(raw);
                for (int j = 0; j < pixels; j++) row[j] = (raw[j] & 0xFF) / 255f;
                out.put(i * pixels, row);
            }
            return x;
        }
    }

    static INDArray oneHot(Path file, int n) throws IOException {
        try (var in = new DataInputStream(DatasetFiles.open(file))) {
            int magic = in.readInt();
            int count = in.readInt();
            if (magic != 2049 || count < n) throw new IOException(file + " is not an IDX label file with " + n + " labels");
            float[] y = new float[n * CLASSES];
            for (int i = 0; i < n; i++) y[i * CLASSES + in.readUnsignedByte()] = 1f;
            return Nd4j.create(y, new long[]{n, CLASSES}, 'c');
        }
    }

    private static DataSet rows(DataSet ds, int from, int to) {
        // Views, not copies: a row range of a row-major matrix is contiguous, and copying the training rows
        // raised peak RSS by their 172 MB.
        INDArray f = ds.getFeatures().get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
        INDArray l = ds.getLabels().get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
        return new DataSet(f, l);
    }
}
