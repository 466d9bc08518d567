package dev.mnistfcn.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** How long and in what steps to train: the tutorial's 20 epochs of batch 50 with Adam 0.01. */
@JsonPropertyOrder({"epochs", "batch_size", "updater"})
public record TrainingSpec(Integer epochs, Integer batchSize, UpdaterSpec updater) {
    public TrainingSpec {
        if (epochs == null) epochs = 20;
        if (batchSize == null) batchSize = 50;
        if (updater == null) updater = new UpdaterSpec(null, null, null, null, null, null, null);
    }
}
