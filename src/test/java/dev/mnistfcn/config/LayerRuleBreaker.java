package dev.mnistfcn.config;

import dev.mnistfcn.job.TrainingJob;

/** A test fixture that breaks the layer rule on purpose (config must not reach the jobs): see ArchitectureTest. */
public final class LayerRuleBreaker {
    public static String jobName() {
        return TrainingJob.class.getSimpleName();
    }
}
