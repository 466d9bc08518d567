package dev.mnistfcn.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Map;

/**
 * The optimiser. Parameters left out take DL4J's defaults, filled in by {@link dev.mnistfcn.network.NetworkFactory}
 * (Adam's beta1 0.9, beta2 0.999 and epsilon 1e-8 are TensorFlow's and PyTorch's too; rmsprop's rms_decay 0.95,
 * adagrad's epsilon 1e-6 and nesterovs' momentum 0.9 are DL4J's own).
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

    /** Every optional key, in the order errors name them ({@link #optional}). */
    public static final List<String> OPTIONAL = List.of("beta1", "beta2", "epsilon", "momentum", "rms_decay");

    public UpdaterSpec {
        type = type == null ? "adam" : Spelling.of(type, TYPES);
        if (learningRate == null) learningRate = 0.01;
    }

    /** The value of optional key {@code key} ({@link #OPTIONAL}); null where the config leaves it out. */
    public Double optional(String key) {
        return switch (key) {
            case "beta1" -> beta1;
            case "beta2" -> beta2;
            case "epsilon" -> epsilon;
            case "momentum" -> momentum;
            case "rms_decay" -> rmsDecay;
            default -> throw new IllegalArgumentException("not an optional updater key: " + key);
        };
    }
}
