package dev.mnistfcn.report;

import dev.mnistfcn.Json;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.train.EpochStats;

import java.util.List;
import java.util.Map;

/** Everything a run measured: written as {@code metrics.json}, rendered as {@code report.md}. */
public record RunMetrics(String name, String architecture, long parameters, ExperimentConfig config,
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
