package dev.mnistfcn.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Map;

/**
 * The optimiser. Parameters left out take the values TensorFlow/PyTorch use by default
 * (Adam: beta1 0.9, beta2 0.999, epsilon 1e-8), filled in by {@link dev.mnistfcn.network.NetworkFactory}.
 * {@code schedule} varies the learning rate over training (absent: fixed); {@code weight_decay} is DL4J's
 * {@code WeightDecay} on every layer's weights (decoupled, scaled by the learning rate, as in AdamW), here
 * because PyTorch and Keras make it an optimiser setting too.
 */
@JsonPropertyOrder({"type", "learning_rate", "beta1", "beta2", "epsilon", "momentum", "rms_decay", "schedule",
        "weight_decay"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpdaterSpec(String type, Double learningRate, Double beta1, Double beta2, Double epsilon,
                          Double momentum, Double rmsDecay, ScheduleSpec schedule, Double weightDecay) {
    public static final List<String> TYPES = List.of("adam", "nesterovs", "sgd", "rmsprop", "adagrad", "adamax");
    /** The optional keys each type reads, as NetworkFactory.updater builds it (learning_rate and schedule: all). */
    public static final Map<String, List<String>> OPTIONAL_KEYS = Map.of(
            "adam", List.of("beta1", "beta2", "epsilon"), "adamax", List.of("beta1", "beta2", "epsilon"),
            "nesterovs", List.of("momentum"), "sgd", List.of(), "rmsprop", List.of("rms_decay", "epsilon"),
            "adagrad", List.of("epsilon"));

    public UpdaterSpec {
        if (type == null) type = "adam";
        if (learningRate == null) learningRate = 0.01;
    }
}
