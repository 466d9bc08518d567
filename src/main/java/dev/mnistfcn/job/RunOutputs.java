package dev.mnistfcn.job;

import dev.mnistfcn.Timeline;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.engine.Predictor;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.eval.EvalResult;
import dev.mnistfcn.eval.Mistakes;
import dev.mnistfcn.network.NetworkFactory;
import dev.mnistfcn.report.ConfigResult;
import dev.mnistfcn.report.HtmlReport;
import dev.mnistfcn.report.MarkdownReport;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.report.TestMetrics;
import dev.mnistfcn.report.Versions;
import dev.mnistfcn.storage.AtomicFiles;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.ModelMetadata;
import dev.mnistfcn.storage.RunFolder;
import dev.mnistfcn.train.EarlyStoppingOutcome;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's files, each complete or absent: {@code config.resolved.yaml} before training, and after it the
 * model, both reports and {@code metrics.json} (last: a run counts as finished once it is there).
 */
final class RunOutputs {
    /** Misclassified digits shown in the HTML report. */
    static final int GALLERY = 32;

    /** What training and the test produced: the network kept (the last, or early stopping's best) and its test. */
    record Finished(MultiLayerNetwork kept, Predictor predictor, EvalResult test, DataSet testSet,
                    List<EpochStats> history, EarlyStoppingOutcome stopped, String engine) {
    }

    private final ExperimentConfig config;
    private final RunFolder folder;
    private final PrintStream out;

    RunOutputs(ExperimentConfig config, RunFolder folder, PrintStream out) {
        this.config = config;
        this.folder = folder;
        this.out = out;
    }

    /** Written first: a run can be repeated exactly from this file even if it is interrupted. */
    void writeResolvedConfig() {
        try {
            AtomicFiles.writeString(folder.resolvedConfig(), ConfigLoader.toYaml(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Saves the kept network with {@code metadata}, then the reports and metrics.json, and prints the report;
     * {@code timings} gains {@code total_seconds} (from {@code started}, System.nanoTime) once the model is saved,
     * and {@code timeline}'s marks as {@code at_<phase>}.
     */
    RunMetrics write(Finished f, ModelMetadata metadata, Map<String, Double> timings, long started, Timeline timeline) {
        String arch = NetworkFactory.architecture(f.kept().getLayerWiseConfigurations());
        try {
            ModelFiles.save(f.kept(), folder.model(), true, metadata);
            timings.put("total_seconds", (System.nanoTime() - started) / 1e9);
            timeline.mark("model_saved");
            RunMetrics metrics = new RunMetrics(config.name(), arch, f.kept().numParams(), f.engine(), config,
                    f.history(), TestMetrics.of(f.test()), timings, Versions.all(), f.stopped());
            String report = MarkdownReport.render(metrics);
            var single = new ConfigResult(config.name(), arch, config.model().hidden().size(), f.kept().numParams(),
                    f.history().size(), List.of(metrics), Double.NaN, Files.size(folder.model()),
                    Mistakes.mostConfident(f.predictor(), f.testSet(), GALLERY));
            AtomicFiles.writeString(folder.markdownReport(), report);
            AtomicFiles.writeString(folder.htmlReport(), HtmlReport.render(config.name() + ": training report",
                    List.of(single), false));
            // metrics holds this map: the timeline so far goes into metrics.json as at_<phase>, seconds since the
            // command started (Timeline).
            timeline.mark("reports").marks().forEach((phase, at) -> timings.put("at_" + phase, at));
            AtomicFiles.writeString(folder.metrics(), metrics.toJson());
            out.println();
            out.print(report);
            out.printf("%nWrote %s, %s, %s, %s and %s in %s (%.1f s in all).%n", name(folder.model()),
                    name(folder.markdownReport()), name(folder.htmlReport()), name(folder.metrics()),
                    name(folder.resolvedConfig()), folder.dir(), timings.get("total_seconds"));
            return metrics;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }
}
