package dev.mnistfcn.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Where MNIST lives and how it is split. As in the TensorFlow tutorial, the first
 * {@code validation_size} images of the training file validate and the rest train;
 * {@code train_limit} (0 = all) trims the training part for quick runs.
 */
@JsonPropertyOrder({"dir", "validation_size", "train_limit"})
public record DataSpec(String dir, Integer validationSize, Integer trainLimit) {
    public static final String DEFAULT_DIR = "data/mnist";

    public DataSpec {
        if (dir == null) dir = DEFAULT_DIR;
        if (validationSize == null) validationSize = 5000;
        if (trainLimit == null) trainLimit = 0;
    }
}
