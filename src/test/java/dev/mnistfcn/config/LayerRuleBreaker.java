package dev.mnistfcn.config;

import dev.mnistfcn.ModelProvenance;
import dev.mnistfcn.job.TrainingJob;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test fixture that breaks the architecture rules on purpose, to show they are not vacuous (see ArchitectureTest):
 * config must not reach the jobs, only storage writes files, and only the training job's plan makes a provenance.
 */
public final class LayerRuleBreaker {
    public static String jobName() {
        return TrainingJob.class.getSimpleName();
    }

    public static ModelProvenance inventedProvenance() {
        return ModelProvenance.of("x", "name: x\n", 1, "fused", null);
    }

    public static void writeDirectly(Path file) throws IOException {
        Files.writeString(file, "a half-written file is possible here");
    }
}
