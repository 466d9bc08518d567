package dev.mnistfcn.sweep;

import java.util.List;

/**
 * One thing a sweep varies: a dotted config key and either the values to try (as override text, exactly what
 * {@code --set key=value} takes) or a range to sample from.
 *
 * @param values the values, in the file's order; empty for a range
 * @param range  how to sample; null for a list of values
 */
public record Parameter(String key, List<String> values, Range range) {
    /** {@code uniform}, {@code log_uniform} or {@code int}, from {@code lo} to {@code hi} (both inclusive for int). */
    public record Range(String kind, double lo, double hi) {
        public static final List<String> KINDS = List.of("uniform", "log_uniform", "int");
    }

    public Parameter {
        values = List.copyOf(values);
    }
}
