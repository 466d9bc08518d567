package dev.mnistfcn.storage;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.Json;
import dev.mnistfcn.ModelProvenance;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.eval.EpochStats;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The zip's {@value ModelFiles#METADATA_ENTRY}, both forms: today's {@code {"provenance": {…}, "iteration": …}}
 * and the one written before the provenance record, whose run facts sit at the top level ({@link Before28}). Old
 * zips (checkpoints to resume, models to serve) keep working, read into today's record.
 */
final class MetadataJson {
    private MetadataJson() {
    }

    static byte[] write(ModelMetadata metadata) throws IOException {
        return Json.MAPPER.writeValueAsBytes(metadata);
    }

    static ModelMetadata read(byte[] json) throws IOException {
        JsonNode tree = Json.MAPPER.readTree(json);
        if (tree == null || !tree.isObject()) throw JsonMappingException.from(Json.MAPPER.getDeserializationContext(),
                "expected a JSON object");
        JsonNode provenance = tree.get("provenance");
        return inRange(provenance != null && provenance.isObject() ? Json.MAPPER.treeToValue(tree, ModelMetadata.class)
                : Json.MAPPER.treeToValue(tree, Before28.class).today());
    }

    /**
     * The figures a zip from elsewhere may carry are what they claim to be: a test accuracy of 1e308 was shown as
     * "Infinity%". Losses are left as they are: a run that diverged saves NaN or infinite ones.
     */
    private static ModelMetadata inRange(ModelMetadata m) throws IOException {
        fraction("test_accuracy", m.testAccuracy());
        fraction("validation_accuracy", m.validationAccuracy());
        if (m.iteration() < 0) throw new IOException("key 'iteration' is " + m.iteration() + ", below 0");
        if (m.provenance().epochs() < 0) throw new IOException("key 'provenance.epochs' is " + m.provenance().epochs() + ", below 0");
        for (int i = 0; i < m.history().size(); i++) {
            EpochStats e = m.history().get(i);
            String at = "history[" + i + "].";
            if (e.epoch() < 1) throw new IOException("key '" + at + "epoch' is " + e.epoch() + ", not an epoch from 1 on");
            fraction(at + "validation_accuracy", e.validationAccuracy());
            for (double seconds : new double[]{e.trainSeconds(), e.validationSeconds()}) {
                if (!(seconds >= 0 && seconds < Double.POSITIVE_INFINITY)) {
                    throw new IOException("key '" + at + "train_seconds' or '" + at + "validation_seconds' is " + seconds
                            + ", not a finite number of seconds from 0 on");
                }
            }
            if (e.examples() < 0) throw new IOException("key '" + at + "examples' is " + e.examples() + ", below 0");
        }
        return m;
    }

    private static void fraction(String key, Double value) throws IOException {
        if (value != null && !(value >= 0 && value <= 1)) {
            throw new IOException("key '" + key + "' is " + value + ", not an accuracy from 0 to 1");
        }
    }

    /** {@value ModelFiles#METADATA_ENTRY} as mnist-fcn wrote it before issue 28 (test resource: legacy-run/). */
    record Before28(String name, String config, int epoch, long iteration, Double validationLoss,
                    Double validationAccuracy, Double testAccuracy, String dl4jVersion, String savedAt,
                    List<EpochStats> history, String dataset) {
        ModelMetadata today() {
            var data = new ModelProvenance.Data(dataset, null, null, null, null);
            var provenance = ModelProvenance.recorded(name, config, seedOf(config), null, data, epoch, savedAt,
                    dl4jVersion == null ? null : Map.of("deeplearning4j", dl4jVersion));
            return new ModelMetadata(provenance, iteration, validationLoss, validationAccuracy, testAccuracy, history);
        }
    }

    /** The seed in a recorded config; null where there is none or it does not read as a config of today. */
    private static Long seedOf(String yaml) {
        if (yaml == null) return null;
        try {
            return ConfigLoader.parse(yaml, "a recorded config").seed();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
