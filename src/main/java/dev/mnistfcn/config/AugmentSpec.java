package dev.mnistfcn.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * Distortions of the training images ({@code data.augment}), drawn anew for every example in every epoch; each key
 * is optional and absent means none of that kind. The affine keys follow torchvision's {@code RandomAffine} (so that
 * a PyTorch replica reads the same numbers): {@code rotation} degrees, uniform in ±rotation; {@code scale} [min, max],
 * one factor for both axes; {@code shear} degrees along x, uniform in ±shear; {@code translation} pixels on each axis,
 * uniform in ±translation. {@code elastic} is Simard et al.'s (2003) elastic distortion. Validation and test images
 * are never distorted. Not a DL4J call: each image is resampled by {@code data.Distortion}, an epoch's images made by
 * {@code data.AugmentedEpochs}. Checked by {@link ConfigValidator}; docs/beyond-99.md.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"rotation", "scale", "shear", "translation", "elastic"})
public record AugmentSpec(Double rotation, List<Double> scale, Double shear, Double translation, ElasticSpec elastic) {
    public AugmentSpec {
        if (scale != null) scale = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(scale));
    }

    /** Whether any distortion is set (an empty {@code augment:} section changes nothing). */
    public boolean any() {
        return on(rotation) || scale != null || on(shear) || on(translation) || elastic != null && on(elastic.alpha());
    }

    private static boolean on(Double v) {
        return v != null && v != 0;
    }
}
