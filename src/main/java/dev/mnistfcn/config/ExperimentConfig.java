package dev.mnistfcn.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One experiment, as written in a YAML file under {@code config/}. Missing keys take the tutorial's
 * settings (Adam 0.01, batch 50, 20 epochs, …), except {@code model.hidden}: none, softmax regression (docs/configs.md
 * lists every default); {@link ConfigValidator} rejects impossible values before anything runs.
 */
@JsonPropertyOrder({"name", "seed", "model", "training", "data", "output", "checkpoint"})
public record ExperimentConfig(String name, Long seed, ModelSpec model, TrainingSpec training,
                               DataSpec data, OutputSpec output, CheckpointSpec checkpoint) {
    public ExperimentConfig {
        if (seed == null) seed = 12345L;
        if (model == null) model = new ModelSpec(null, null, null, null, null);
        if (training == null) training = new TrainingSpec(null, null, null, null, null);
        if (data == null) data = new DataSpec(null, null, null, null);
        if (output == null) output = new OutputSpec(null);
        if (checkpoint == null) checkpoint = new CheckpointSpec(null, null);
    }

    public ExperimentConfig withName(String newName) {
        return new ExperimentConfig(newName, seed, model, training, data, output, checkpoint);
    }

    public ExperimentConfig withSeed(long newSeed) {
        return new ExperimentConfig(name, newSeed, model, training, data, output, checkpoint);
    }
}
