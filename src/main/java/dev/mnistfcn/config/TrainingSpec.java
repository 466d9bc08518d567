package dev.mnistfcn.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * Which engine trains, how long and in what steps: the tutorial's 20 epochs of batch 50 with Adam 0.01.
 * {@code early_stopping} (absent: off) may end the run before {@code epochs}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"engine", "epochs", "batch_size", "updater", "early_stopping"})
public record TrainingSpec(String engine, Integer epochs, Integer batchSize, UpdaterSpec updater,
                           EarlyStoppingSpec earlyStopping) {
    /** {@code auto}: the fused engine where it computes what DL4J's fit computes (the same formulas), else DL4J's fit. */
    public static final List<String> ENGINES = List.of("auto", "dl4j", "fused");
    /**
     * Every epoch's line of history goes into each saved zip (what a resume continues), and a zip's metadata entry is
     * read under a cap (a zip may come from a stranger): this many epochs fit under it.
     */
    public static final int MAX_EPOCHS = 50_000;

    public TrainingSpec {
        engine = engine == null ? "auto" : Spelling.of(engine, ENGINES);
        if (epochs == null) epochs = 20;
        if (batchSize == null) batchSize = 50;
        if (updater == null) updater = new UpdaterSpec(null, null, null, null, null, null, null, null, null);
    }
}
