package dev.mnistfcn.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mnistfcn.Json;
import dev.mnistfcn.ModelProvenance;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.EarlyStoppingSpec;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.train.EarlyStoppingListener;
import dev.mnistfcn.train.EarlyStoppingOutcome;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a run measured: written as {@code metrics.json}, rendered as {@code report.md}. {@code engine} is the
 * engine that trained it ({@code dl4j} or {@code fused}), what {@code training.engine: auto} resolved to.
 * {@code earlyStopping}: at which epoch it stopped and which it kept (absent without training.early_stopping);
 * {@code test} is then the kept epoch's. {@code provenance} is the model's, the very record in its model.zip;
 * {@code name}, {@code engine} and {@code versions} repeat it where readers of metrics.json have always found them.
 * A new block of metrics.json is a new component here (written and read by Jackson, as the rest).
 */
public record RunMetrics(String name, String architecture, long parameters, String engine, ExperimentConfig config,
                         List<EpochStats> history, TestMetrics test, Map<String, Double> timings,
                         Map<String, String> versions,
                         @JsonInclude(JsonInclude.Include.NON_NULL) EarlyStoppingOutcome earlyStopping,
                         ModelProvenance provenance) {

    public RunMetrics {
        // metrics.json written before issue 28 has none: what it recorded is read into one.
        if (provenance == null && config != null) {
            provenance = recorded(name, engine, config, history, test, versions, earlyStopping);
        }
    }

    /** Figures without a provenance of their own (tests, old files): one is made of what they record. */
    public RunMetrics(String name, String architecture, long parameters, String engine, ExperimentConfig config,
                      List<EpochStats> history, TestMetrics test, Map<String, Double> timings,
                      Map<String, String> versions, EarlyStoppingOutcome earlyStopping) {
        this(name, architecture, parameters, engine, config, history, test, timings, versions, earlyStopping, null);
    }

    /** A finished run's figures: its name, engine and versions are {@code provenance}'s. */
    public static RunMetrics of(ModelProvenance provenance, String architecture, long parameters,
                                ExperimentConfig config, List<EpochStats> history, TestMetrics test,
                                Map<String, Double> timings, EarlyStoppingOutcome earlyStopping) {
        return new RunMetrics(provenance.run(), architecture, parameters, provenance.engine(), config, history, test,
                timings, provenance.versions(), earlyStopping, provenance);
    }

    /** A run's metrics.json, as written now or before the provenance record. */
    public static RunMetrics read(Path metricsJson) throws IOException {
        return Json.MAPPER.readValue(metricsJson.toFile(), RunMetrics.class);
    }

    /**
     * How early stopping ends this history with training.epochs = {@code epochs}: the recorded outcome where it stopped
     * early, else the history replayed through {@code spec} (a condition met at the record's own last epoch ended
     * nothing then, but ends a longer run there); the recorded outcome (or null) without {@code spec}.
     */
    public EarlyStoppingOutcome earlyStoppingWithin(EarlyStoppingSpec spec, int epochs) {
        if (earlyStopping == null || spec == null || earlyStopping.stoppedEarly()) return earlyStopping;
        return EarlyStoppingListener.replay(spec, history, epochs);
    }

    /** Whether the run has trained all it will: every configured epoch, or fewer because early stopping ended it. */
    public boolean complete() {
        return history.size() == config.training().epochs() || (earlyStopping != null && earlyStopping.stoppedEarly());
    }

    /**
     * This run's figures as those of a run configured as {@code config}, with {@code history} and
     * {@code earlyStopping} in place of its own (a sweep reading the first epochs of a longer run as a shorter one).
     * The provenance stays the model's own.
     */
    public RunMetrics asRunOf(ExperimentConfig config, List<EpochStats> history, EarlyStoppingOutcome earlyStopping) {
        return new RunMetrics(name, architecture, parameters, engine, config, history, test, timings, versions,
                earlyStopping, provenance);
    }

    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What a metrics.json of before issue 28 records of the provenance: run, engine, config, seed, versions, the
     * epochs of the model kept and the split sizes (training images per epoch, validation_size, test images).
     */
    private static ModelProvenance recorded(String name, String engine, ExperimentConfig config,
                                            List<EpochStats> history, TestMetrics test, Map<String, String> versions,
                                            EarlyStoppingOutcome earlyStopping) {
        List<EpochStats> h = history == null ? List.of() : history;
        int epochs = earlyStopping != null ? earlyStopping.bestModelEpoch() : h.size();
        var data = config.data() == null ? null : new ModelProvenance.Data(config.data().dataset(), null,
                h.isEmpty() ? null : Math.toIntExact(h.get(0).examples()), config.data().validationSize(),
                test == null ? null : test.examples());
        return ModelProvenance.recorded(name, ConfigLoader.toYaml(config), config.seed(), engine, data, epochs, null,
                versions);
    }
}
