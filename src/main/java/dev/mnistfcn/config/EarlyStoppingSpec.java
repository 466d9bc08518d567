package dev.mnistfcn.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * {@code training.early_stopping}: stop when {@code monitor} has not improved by more than {@code min_delta} for
 * {@code patience} epochs in a row, and keep the best epoch's weights (Keras' {@code EarlyStopping(monitor, patience,
 * min_delta, restore_best_weights=True)}; DL4J's {@code ScoreImprovementEpochTerminationCondition}).
 */
@JsonPropertyOrder({"monitor", "patience", "min_delta"})
public record EarlyStoppingSpec(String monitor, Integer patience, Double minDelta) {
    /** {@code val_loss} is minimised, {@code val_accuracy} maximised (a fraction in [0, 1], as metrics.json has it). */
    public static final List<String> MONITORS = List.of("val_loss", "val_accuracy");

    public EarlyStoppingSpec {
        monitor = monitor == null ? "val_loss" : Spelling.of(monitor, MONITORS);
        if (patience == null) patience = 5;
        if (minDelta == null) minDelta = 0.0;
    }

    /** Whether a lower value is better. */
    public boolean minimize() {
        return monitor.equals("val_loss");
    }
}
