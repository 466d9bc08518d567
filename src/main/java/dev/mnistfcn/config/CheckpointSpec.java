package dev.mnistfcn.config;

/** Checkpoint every {@code every} epochs (0 = never), keeping the last {@code keep}. */
public record CheckpointSpec(Integer every, Integer keep) {
    public CheckpointSpec {
        if (every == null) every = 5;
        if (keep == null) keep = 3;
    }
}
