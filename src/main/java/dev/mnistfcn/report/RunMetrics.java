package dev.mnistfcn.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.train.EpochStats;

import java.util.List;
import java.util.Map;

/** Everything a run measured: written as {@code metrics.json}, rendered as {@code report.md}. */
public record RunMetrics(String name, String architecture, long parameters, ExperimentConfig config,
                         List<EpochStats> history, TestMetrics test, Map<String, Double> timings,
                         Map<String, String> versions) {

    public static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
