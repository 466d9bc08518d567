package dev.mnistfcn.predict;

import java.nio.file.Path;

/**
 * What {@code GET /api/model} and {@code predict}'s header say about the loaded model.
 *
 * @param testAccuracy the test accuracy recorded when it was saved (null for zips written elsewhere)
 * @param notADigit    it carries a not-a-digit check (zips calibrated by {@code calibrate})
 */
public record ModelInfo(Path file, String architecture, long parameters, Double testAccuracy, String engine,
                        boolean notADigit) {
}
