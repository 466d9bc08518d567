package dev.mnistfcn;

import dev.mnistfcn.data.MnistFiles;

import java.nio.file.Path;

/** The real MNIST files for tests, provisioned exactly as a user's first run does (fails, never skips). */
public final class TestData {
    private TestData() {
    }

    public static Path mnistDir() {
        return MnistFiles.ensure(Path.of("data/mnist"));
    }
}
