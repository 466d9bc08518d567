package dev.mnistfcn.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A learning-rate schedule ({@code training.updater.schedule}), one of DL4J's {@code ISchedule}s, counted
 * {@code by} epoch or iteration (DL4J's {@code ScheduleType}). The starting value is the updater's
 * {@code learning_rate} (a {@code map} schedule gives its own values instead). Keys carry DL4J's parameter names;
 * each type takes only its own ({@link #KEYS}), checked by {@link ConfigValidator}. Formulas in docs/regularisation.md.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "by", "gamma", "decay_rate", "step", "power", "max_iter", "step_size", "values",
        "max_learning_rate", "cycle_length", "annealing_length", "annealing_decay"})
public record ScheduleSpec(String type, String by, Double gamma, Double decayRate, Integer step, Double power,
                           Integer maxIter, Integer stepSize, Map<Integer, Double> values, Double maxLearningRate,
                           Integer cycleLength, Integer annealingLength, Double annealingDecay) {
    /** What the count is: DL4J's {@code ScheduleType} EPOCH or ITERATION (parameter updates). */
    public static final List<String> BY = List.of("epoch", "iteration");

    /** The keys each type takes besides {@code type} and {@code by}; all are required except annealing_decay. */
    public static final Map<String, List<String>> KEYS = orderedKeys();

    public ScheduleSpec {
        type = Spelling.of(type, KEYS.keySet());
        by = Spelling.of(by, BY);
        if (values != null) values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    private static Map<String, List<String>> orderedKeys() {
        var m = new java.util.LinkedHashMap<String, List<String>>();
        m.put("step", List.of("decay_rate", "step"));
        m.put("exponential", List.of("gamma"));
        m.put("inverse", List.of("gamma", "power"));
        m.put("poly", List.of("power", "max_iter"));
        m.put("sigmoid", List.of("gamma", "step_size"));
        m.put("map", List.of("values"));
        m.put("cycle", List.of("max_learning_rate", "cycle_length", "annealing_length", "annealing_decay"));
        return Collections.unmodifiableMap(m);
    }

    /** The value of a type-specific key by its YAML name, or null where absent. */
    public Object get(String key) {
        return switch (key) {
            case "gamma" -> gamma;
            case "decay_rate" -> decayRate;
            case "step" -> step;
            case "power" -> power;
            case "max_iter" -> maxIter;
            case "step_size" -> stepSize;
            case "values" -> values;
            case "max_learning_rate" -> maxLearningRate;
            case "cycle_length" -> cycleLength;
            case "annealing_length" -> annealingLength;
            case "annealing_decay" -> annealingDecay;
            default -> throw new IllegalArgumentException("no schedule key " + key);
        };
    }
}
