package dev.mnistfcn.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Simard, Steinkraus & Platt's elastic distortion ({@code data.augment.elastic}): a displacement field of uniform
 * values in [-1, 1] per pixel and axis, smoothed by a Gaussian of standard deviation {@code sigma} pixels and scaled
 * by {@code alpha} pixels. Their MNIST figures used alpha 34, sigma 4. Both keys are required.
 */
@JsonPropertyOrder({"alpha", "sigma"})
public record ElasticSpec(Double alpha, Double sigma) {
}
