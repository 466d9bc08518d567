package dev.mnistfcn.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * Weight initialisation. {@code normal} and {@code truncated_normal} take an explicit
 * {@code stddev} (TensorFlow's {@code random_normal} default is 1.0); the named schemes
 * ({@code xavier}, {@code relu} a.k.a. He, ...) derive their scale from the layer's fan-in/out.
 */
@JsonPropertyOrder({"type", "mean", "stddev"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InitSpec(String type, Double mean, Double stddev) {
    /** Types that take mean/stddev. */
    public static final List<String> DISTRIBUTIONS = List.of("normal", "truncated_normal");
    /** Named schemes with no parameters. */
    public static final List<String> SCHEMES = List.of("xavier", "xavier_uniform", "relu", "he",
            "relu_uniform", "lecun_normal", "zero");
    /** Declared after the lists: the constructor reads them. */
    public static final InitSpec XAVIER = new InitSpec("xavier", null, null);

    public InitSpec {
        type = type == null ? "xavier" : Spelling.of(type, acceptedTypes());
        if (DISTRIBUTIONS.contains(type)) {
            if (mean == null) mean = 0.0;
            if (stddev == null) stddev = 1.0;
        }
    }

    public static List<String> acceptedTypes() {
        var all = new java.util.ArrayList<>(DISTRIBUTIONS);
        all.addAll(SCHEMES);
        return all;
    }
}
