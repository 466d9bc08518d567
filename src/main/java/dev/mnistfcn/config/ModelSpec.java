package dev.mnistfcn.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.mnistfcn.Mnist;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The network: {@code input} pixels, any number of hidden fully-connected layers, and a softmax
 * output layer of {@code output} classes trained with cross-entropy. {@code input_dropout} is the probability
 * of dropping an input pixel at training (as a hidden layer's {@code dropout} drops its outputs); off when absent.
 */
@JsonPropertyOrder({"input", "output", "input_dropout", "hidden", "output_init"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelSpec(Integer input, Integer output, List<LayerSpec> hidden, InitSpec outputInit, Double inputDropout) {
    public ModelSpec {
        if (input == null) input = Mnist.PIXELS;
        if (output == null) output = Mnist.CLASSES;
        // Not List.copyOf: an empty list item ("-" alone) is null, and the validator names it rather than an NPE.
        hidden = hidden == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(hidden));
        if (outputInit == null) outputInit = InitSpec.XAVIER;
    }

    /**
     * The most parameters a config may ask for: 32 Mi float32 values, the 128 MiB that a saved model zip is loaded
     * up to (storage's ModelZipLimits), 150× two-layer's. A network that could not be loaded back is refused before
     * it trains; a million units (795 M parameters) had ended in a stack trace.
     */
    public static final long MAX_PARAMETERS = 32L << 20;

    /**
     * The most hidden layers: a saved zip's DL4J configuration is read up to 4 MiB (storage's ModelZipLimits), 2-4 KB a
     * layer. 60,000 one-unit layers passed every check and then built for minutes, unsaid (a review).
     */
    public static final int MAX_HIDDEN_LAYERS = 500;

    /** Weights and biases of every layer, the output layer's included (0 where a layer has no valid size yet). */
    public long parameters() {
        long total = 0;
        int in = input;
        for (LayerSpec l : hidden) {
            int units = l == null || l.units() == null ? 0 : l.units();
            total += (long) in * units + units;
            in = units;
        }
        return total + (long) in * output + output;
    }
}
