package dev.mnistfcn.train;

import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.eval.EvalResult;
import dev.mnistfcn.eval.Evaluator;
import dev.mnistfcn.model.ModelStore;
import dev.mnistfcn.model.NetworkFactory;
import dev.mnistfcn.report.MarkdownReport;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.report.TestMetrics;
import dev.mnistfcn.report.Versions;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The main job, start to end: config → data → network → training → test evaluation → files in
 * {@code <output.dir>/<name>/}.
 */
public final class TrainingJob {
    public static final String MODEL_FILE = "model.zip";
    public static final String CONFIG_FILE = "config.resolved.yaml";
    public static final String METRICS_FILE = "metrics.json";
    public static final String REPORT_FILE = "report.md";

    private final ExperimentConfig config;
    private final PrintStream out;
    private final boolean progress;

    public TrainingJob(ExperimentConfig config, PrintStream out, boolean progress) {
        this.config = config;
        this.out = out;
        this.progress = progress;
    }

    public Path runDir() {
        return Path.of(config.output().dir()).resolve(config.name());
    }

    public RunMetrics run() {
        long start = System.nanoTime();
        Path dir = runDir();
        try {
            // Written first: a run can be repeated exactly from this file even if it is interrupted.
            ModelStore.writeString(dir.resolve(CONFIG_FILE), ConfigLoader.toYaml(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MnistSplits data = MnistSplits.load(config.data(), Path.of(config.data().dir()));
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        MultiLayerNetwork net = NetworkFactory.build(config);
        String arch = NetworkFactory.architecture(net.getLayerWiseConfigurations());
        out.printf("%s: %s, %,d parameters; %,d training / %,d validation / %,d test images; %d epochs of batch %d%n",
                config.name(), arch, net.numParams(), data.train().numExamples(), data.validation().numExamples(),
                data.test().numExamples(), config.training().epochs(), config.training().batchSize());

        List<EpochStats> history = new Trainer(out, progress).train(net, data.train(), data.validation(),
                config.training().batchSize(), config.seed(), config.training().epochs(), List.of());

        EvalResult test = Evaluator.evaluate(net, data.test());
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("data_load_seconds", loadSeconds);
        timings.put("train_seconds", history.stream().mapToDouble(EpochStats::trainSeconds).sum());
        timings.put("validation_seconds", history.stream().mapToDouble(EpochStats::validationSeconds).sum());
        timings.put("test_seconds", test.seconds());
        try {
            ModelStore.save(net, dir.resolve(MODEL_FILE), true);
            timings.put("total_seconds", (System.nanoTime() - start) / 1e9);
            RunMetrics metrics = new RunMetrics(config.name(), arch, net.numParams(), config, history,
                    TestMetrics.of(test), timings, Versions.all());
            String report = MarkdownReport.render(metrics);
            ModelStore.writeString(dir.resolve(METRICS_FILE), metrics.toJson());
            ModelStore.writeString(dir.resolve(REPORT_FILE), report);
            out.println();
            out.print(report);
            out.printf("%nWrote %s, %s, %s and %s in %s (%.1f s in all).%n", MODEL_FILE, REPORT_FILE, METRICS_FILE,
                    CONFIG_FILE, dir, timings.get("total_seconds"));
            return metrics;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
