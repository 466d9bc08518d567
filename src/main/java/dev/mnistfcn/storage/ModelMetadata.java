package dev.mnistfcn.storage;

import dev.mnistfcn.ModelProvenance;
import dev.mnistfcn.eval.EpochStats;

import java.util.List;

/**
 * What mnist-fcn stores next to the network in its own zips, as the JSON entry {@value ModelFiles#METADATA_ENTRY}
 * (never Java serialization): where the network came from and the figures when it was saved. Absent in zips
 * written elsewhere; a zip written before the provenance record is read by {@link MetadataJson} all the same.
 *
 * @param provenance         run, data, config, engine, versions, seed; its {@code epochs} are this network's
 * @param iteration          parameter updates done when saved
 * @param validationLoss     the saved epoch's validation loss
 * @param validationAccuracy the saved epoch's validation accuracy
 * @param testAccuracy       test accuracy recorded at save time (final model only)
 * @param history            every epoch up to the saved one: what a resume continues
 */
public record ModelMetadata(ModelProvenance provenance, long iteration, Double validationLoss,
                            Double validationAccuracy, Double testAccuracy, List<EpochStats> history) {
    public ModelMetadata {
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** Epochs the saved network has trained. */
    public int epoch() {
        return provenance.epochs();
    }

    /**
     * The {@code data.dataset} it was trained on ({@code mnist}, {@code fashion-mnist}), so that {@code evaluate}
     * tests it on the same set; null in zips written before it was recorded (MNIST).
     */
    public String dataset() {
        return provenance.dataset();
    }
}
