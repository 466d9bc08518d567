package dev.mnistfcn.sweep;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * One point of the search space: its name (the prefix of its run folders, {@code t01}, {@code t02}, …) and the
 * value of each swept key, as override text.
 */
public record Trial(String name, Map<String, String> values) {
    public Trial {
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }

    /** {@code key=value, key=value}: how tables and errors show a trial. */
    public String describe() {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }
}
