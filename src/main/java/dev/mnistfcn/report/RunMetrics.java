package dev.mnistfcn.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mnistfcn.Json;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.train.EarlyStoppingOutcome;

import java.util.List;
import java.util.Map;

/**
 * Everything a run measured: written as {@code metrics.json}, rendered as {@code report.md}. {@code engine} is the
 * engine that trained it ({@code dl4j} or {@code fused}), what {@code training.engine: auto} resolved to.
 * {@code earlyStopping}: at which epoch it stopped and which it kept (absent without training.early_stopping);
 * {@code test} is then the kept epoch's.
 */
public record RunMetrics(String name, String architecture, long parameters, String engine, ExperimentConfig config,
                         List<EpochStats> history, TestMetrics test, Map<String, Double> timings,
                         Map<String, String> versions,
                         @JsonInclude(JsonInclude.Include.NON_NULL) EarlyStoppingOutcome earlyStopping) {

    /** Whether the run has trained all it will: every configured epoch, or fewer because early stopping ended it. */
    public boolean complete() {
        return history.size() == config.training().epochs() || (earlyStopping != null && earlyStopping.stoppedEarly());
    }

    /**
     * This run's figures as those of a run configured as {@code config}, with {@code history} and
     * {@code earlyStopping} in place of its own (a sweep reading the first epochs of a longer run as a shorter one).
     */
    public RunMetrics asRunOf(ExperimentConfig config, List<EpochStats> history, EarlyStoppingOutcome earlyStopping) {
        return new RunMetrics(name, architecture, parameters, engine, config, history, test, timings, versions, earlyStopping);
    }

    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
