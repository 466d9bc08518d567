package dev.mnistfcn.storage;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mnistfcn.eval.EpochStats;

import java.util.List;

/**
 * What mnist-fcn stores next to the network in its own zips, as the JSON entry
 * {@value ModelFiles#METADATA_ENTRY} (never Java serialization). Absent in zips written elsewhere.
 *
 * @param config       the resolved config, as YAML text
 * @param epoch        epochs completed when saved
 * @param iteration    parameter updates done when saved
 * @param testAccuracy test accuracy recorded at save time (final model only)
 * @param dataset      the {@code data.dataset} it was trained on ({@code mnist}, {@code fashion-mnist}), so that
 *                     {@code evaluate} tests it on the same set; null in zips written before it was recorded (MNIST)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelMetadata(String name, String config, int epoch, long iteration, Double validationLoss,
                            Double validationAccuracy, Double testAccuracy, String dl4jVersion, String savedAt,
                            List<EpochStats> history, String dataset) {
}
