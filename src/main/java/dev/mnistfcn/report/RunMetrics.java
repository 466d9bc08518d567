package dev.mnistfcn.report;

import dev.mnistfcn.Json;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.eval.EpochStats;

import java.util.List;
import java.util.Map;

/**
 * Everything a run measured: written as {@code metrics.json}, rendered as {@code report.md}. {@code engine} is the
 * engine that trained it ({@code dl4j} or {@code fused}), what {@code training.engine: auto} resolved to.
 */
public record RunMetrics(String name, String architecture, long parameters, String engine, ExperimentConfig config,
                         List<EpochStats> history, TestMetrics test, Map<String, Double> timings,
                         Map<String, String> versions) {

    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
