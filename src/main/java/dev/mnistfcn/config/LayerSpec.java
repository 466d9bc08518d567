package dev.mnistfcn.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One hidden layer (the tutorial's {@code fcn_layer}). {@code dropout} is the probability of
 * dropping a unit (PyTorch's meaning, not DL4J's retain probability); {@code l2} is the L2
 * coefficient on the weights. Both are off when absent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"units", "activation", "init", "bias_init", "dropout", "l2"})
public record LayerSpec(Integer units, String activation, InitSpec init, Double biasInit,
                        Double dropout, Double l2) {
    public LayerSpec {
        activation = activation == null ? "relu" : Spelling.of(activation, ConfigValidator.ACTIVATIONS);
        if (init == null) init = InitSpec.XAVIER;
        if (biasInit == null) biasInit = 0.0;
    }
}
