package dev.mnistfcn.predict;

import dev.mnistfcn.ModelProvenance;

import java.nio.file.Path;

/**
 * What {@code GET /api/model} and {@code predict}'s header say about the loaded model.
 *
 * @param testAccuracy the test accuracy recorded when it was saved (null for zips written elsewhere)
 * @param engine       the engine answering (dl4j, fused, onnxruntime); the one that trained it is the provenance's
 * @param provenance   where it came from, as its zip records it (null for zips written elsewhere and ONNX files)
 * @param notADigit    it carries a not-a-digit check (zips calibrated by {@code calibrate})
 */
public record ModelInfo(Path file, String architecture, long parameters, Double testAccuracy, String engine,
                        ModelProvenance provenance, boolean notADigit) {
}
