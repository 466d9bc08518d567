package dev.mnistfcn.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mnistfcn.Mnist;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Which image set ({@code dataset}: mnist or fashion-mnist), where it lives and how it is split. As in the
 * TensorFlow tutorial, the first {@code validation_size} images of the training file validate and the rest train;
 * {@code train_limit} (0 = all) trims the training part for quick runs. {@code dir} defaults to the dataset's own
 * folder ({@link DatasetName#defaultDir()}). {@code augment} (absent: none) distorts the training images each epoch.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"dataset", "dir", "validation_size", "train_limit", "augment"})
public record DataSpec(String dataset, String dir, Integer validationSize, Integer trainLimit, AugmentSpec augment) {
    /** MNIST's folder ({@link DatasetName#defaultDir()}), spelled out as a constant for picocli's annotations. */
    public static final String DEFAULT_DIR = "data/mnist";

    public DataSpec {
        dataset = dataset == null ? DatasetName.MNIST.id() : Spelling.of(dataset, DatasetName.idList());
        if (dir == null) dir = DatasetName.byId(dataset).map(DatasetName::defaultDir).orElse(DEFAULT_DIR);
        dir = HomeFolder.expanded(dir);
        if (validationSize == null) validationSize = 5000;
        if (trainLimit == null) trainLimit = 0;
    }

    /** No augmentation. */
    public DataSpec(String dataset, String dir, Integer validationSize, Integer trainLimit) {
        this(dataset, dir, validationSize, trainLimit, null);
    }

    /** Number of training examples after the validation split and {@code train_limit}. */
    public int trainSize() {
        int all = Mnist.TRAIN_FILE_SIZE - validationSize;
        return trainLimit > 0 ? Math.min(trainLimit, all) : all;
    }

    /** MNIST in {@code dir}: what a spec was before datasets could be chosen. */
    public DataSpec(String dir, Integer validationSize, Integer trainLimit) {
        this(null, dir, validationSize, trainLimit);
    }
}
