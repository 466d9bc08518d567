package dev.mnistfcn;

import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.data.DatasetFiles;
import dev.mnistfcn.data.MnistFiles;

import java.nio.file.Path;

/** The real MNIST files for tests, provisioned exactly as a user's first run does (fails, never skips). */
public final class TestData {
    private TestData() {
    }

    public static Path mnistDir() {
        return MnistFiles.ensure(Path.of("data/mnist"));
    }

    /**
     * Fashion-MNIST from Debian's dataset-fashion-mnist, checked; without the package the test fails with the
     * message a user gets (install it: .ci/run does).
     */
    public static Path fashionDir() {
        Path dir = Path.of(Dataset.FASHION_MNIST.defaultDir());
        DatasetFiles.ensure(Dataset.FASHION_MNIST, dir);
        return dir;
    }

    /** Cuts {@code file} to half its length, as an interrupted download or copy leaves it. */
    public static void cutInHalf(Path file) throws java.io.IOException {
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() / 2);
        }
    }
}
