package dev.mnistfcn;

/** MNIST's fixed facts, in one place: 28×28-pixel images of ten digits, 60,000 to train on and 10,000 to test. */
public final class Mnist {
    public static final int PIXELS = 28 * 28;
    public static final int CLASSES = 10;
    public static final int TRAIN_FILE_SIZE = 60_000;
    public static final int TEST_FILE_SIZE = 10_000;

    private Mnist() {
    }
}
