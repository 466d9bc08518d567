package dev.mnistfcn.train;

import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.eval.EvalResult;
import dev.mnistfcn.eval.Evaluator;
import dev.mnistfcn.eval.Mistakes;
import dev.mnistfcn.model.CheckpointStore;
import dev.mnistfcn.model.ModelFiles;
import dev.mnistfcn.model.ModelMetadata;
import dev.mnistfcn.model.ModelStore;
import dev.mnistfcn.model.FusedDenseNetwork;
import dev.mnistfcn.model.NetworkFactory;
import dev.mnistfcn.report.ConfigResult;
import dev.mnistfcn.report.HtmlReport;
import dev.mnistfcn.report.MarkdownReport;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.report.TestMetrics;
import dev.mnistfcn.report.Versions;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The main job, start to end: config → data → network (new, or restored from the latest checkpoint)
 * → training with checkpoints → test evaluation → files in {@code <output.dir>/<name>/}.
 */
public final class TrainingJob {
    public static final String MODEL_FILE = "model.zip";
    public static final String CONFIG_FILE = "config.resolved.yaml";
    public static final String METRICS_FILE = "metrics.json";
    public static final String REPORT_FILE = "report.md";
    public static final String HTML_FILE = "report.html";
    /** Misclassified digits shown in the HTML report. */
    public static final int GALLERY = 32;

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

    public CheckpointStore checkpoints() {
        return new CheckpointStore(runDir(), config.checkpoint().keep());
    }

    /** Trains from scratch. */
    public RunMetrics run() {
        return run(false).orElseThrow();
    }

    /**
     * Trains from scratch, or with {@code resume} continues from the latest checkpoint. Empty when a
     * resumed run had already reached its configured epochs (nothing to do).
     */
    public Optional<RunMetrics> run(boolean resume) {
        long start = System.nanoTime();
        Path dir = runDir();
        CheckpointStore store = checkpoints();
        MultiLayerNetwork net;
        List<EpochStats> history = List.of();
        if (resume) {
            Path latest = store.latest().orElseThrow(() -> new UserError("Nothing to resume: " + store.dir()
                    + " holds no checkpoint (epoch-NN.zip). Run without resume (drop --resume / -Dresume=true) to "
                    + "start '" + config.name() + "' from scratch."));
            ModelFiles.Loaded loaded = ModelFiles.load(latest, true);
            requireSameArchitecture(latest, loaded.network());
            ModelMetadata meta = loaded.metadata().orElseThrow(() -> new UserError("Checkpoint " + latest
                    + " has no mnist-fcn metadata, so its epoch is unknown; it cannot be resumed."));
            if (meta.epoch() >= config.training().epochs()) {
                out.printf("Run '%s' is already finished: its latest checkpoint %s is epoch %d of %d. Nothing to do "
                        + "(raise training.epochs to train further).%n", config.name(), latest, meta.epoch(),
                        config.training().epochs());
                return Optional.empty();
            }
            net = loaded.network();
            history = meta.history();
            out.printf("Resuming '%s' from %s: epoch %d of %d done, %,d iterations, updater state restored.%n",
                    config.name(), latest, meta.epoch(), config.training().epochs(), net.getIterationCount());
        } else {
            net = NetworkFactory.build(config);
            removeEarlierCheckpoints(store);
        }
        try {
            // Written first: a run can be repeated exactly from this file even if it is interrupted.
            ModelStore.writeString(dir.resolve(CONFIG_FILE), ConfigLoader.toYaml(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MnistSplits data = MnistSplits.load(config.data(), Path.of(config.data().dir()));
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        String arch = NetworkFactory.architecture(net.getLayerWiseConfigurations());
        out.printf("%s: %s, %,d parameters; %,d training / %,d validation / %,d test images; %d epochs of batch %d%n",
                config.name(), arch, net.numParams(), data.train().numExamples(), data.validation().numExamples(),
                data.test().numExamples(), config.training().epochs(), config.training().batchSize());
        String notFused = FusedDenseNetwork.unsupported(net);
        out.println(notFused == null ? "Training step: fused (OpenBLAS GEMMs + Java loops; the same update as DL4J's fit)"
                : "Training step: DL4J's fit (the fused step does not cover this network: " + notFused + ")");

        Trainer trainer = new Trainer(out, progress).addListener(new CheckpointWriter(store, history));
        history = trainer.train(net, data.train(), data.validation(), config.training().batchSize(), config.seed(),
                config.training().epochs(), history);

        EvalResult test = Evaluator.evaluate(net, data.test());
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("data_load_seconds", loadSeconds);
        timings.put("train_seconds", history.stream().mapToDouble(EpochStats::trainSeconds).sum());
        timings.put("validation_seconds", history.stream().mapToDouble(EpochStats::validationSeconds).sum());
        timings.put("test_seconds", test.seconds());
        try {
            EpochStats last = history.get(history.size() - 1);
            ModelFiles.save(net, dir.resolve(MODEL_FILE), true, metadata(net, last, history, test.accuracy()));
            timings.put("total_seconds", (System.nanoTime() - start) / 1e9);
            RunMetrics metrics = new RunMetrics(config.name(), arch, net.numParams(), config, history,
                    TestMetrics.of(test), timings, Versions.all());
            String report = MarkdownReport.render(metrics);
            ModelStore.writeString(dir.resolve(METRICS_FILE), metrics.toJson());
            ModelStore.writeString(dir.resolve(REPORT_FILE), report);
            var single = new ConfigResult(config.name(), arch, config.model().hidden().size(), net.numParams(),
                    history.size(), List.of(metrics), Double.NaN, Files.size(dir.resolve(MODEL_FILE)),
                    Mistakes.mostConfident(net, data.test(), GALLERY));
            ModelStore.writeString(dir.resolve(HTML_FILE), HtmlReport.render(config.name() + ": training report",
                    List.of(single), false));
            out.println();
            out.print(report);
            out.printf("%nWrote %s, %s, %s, %s and %s in %s (%.1f s in all).%n", MODEL_FILE, REPORT_FILE, HTML_FILE,
                    METRICS_FILE, CONFIG_FILE, dir, timings.get("total_seconds"));
            return Optional.of(metrics);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ModelMetadata metadata(MultiLayerNetwork net, EpochStats last, List<EpochStats> history, Double testAccuracy) {
        return new ModelMetadata(config.name(), ConfigLoader.toYaml(config), last.epoch(), net.getIterationCount(),
                last.validationLoss(), last.validationAccuracy(), testAccuracy, Versions.dl4j(), Instant.now().toString(),
                List.copyOf(history));
    }

    /** The tutorial's "NotFoundError … restart the kernel", explained: the config and the checkpoint disagree. */
    private void requireSameArchitecture(Path checkpoint, MultiLayerNetwork restored) {
        String expected = NetworkFactory.architecture(NetworkFactory.configuration(config));
        String actual = ModelFiles.describe(restored.getLayerWiseConfigurations());
        if (!expected.equals(actual)) {
            throw new UserError("Checkpoint " + checkpoint + " holds a " + actual + " network, but config '" + config.name()
                    + "' describes " + expected + ": its weights cannot be loaded into this network. Resume with the "
                    + "config that wrote the checkpoint (its copy is " + runDir().resolve(CONFIG_FILE) + ") or give this "
                    + "run another name / output.dir.");
        }
    }

    private void removeEarlierCheckpoints(CheckpointStore store) {
        List<Path> old = store.list();
        Path best = store.dir().resolve(CheckpointStore.BEST);
        try {
            for (Path p : old) Files.deleteIfExists(p);
            boolean hadBest = Files.deleteIfExists(best);
            if (!old.isEmpty() || hadBest) {
                out.printf("Starting '%s' from scratch: removed %d checkpoint(s) of an earlier run in %s "
                        + "(use --resume / -Dresume=true to continue that run instead).%n", config.name(),
                        old.size() + (hadBest ? 1 : 0), store.dir());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every {@code checkpoint.every} epochs and at the last epoch: a checkpoint; on a new best: best.zip. */
    private final class CheckpointWriter implements Trainer.EpochListener {
        private final CheckpointStore store;
        private double best;

        CheckpointWriter(CheckpointStore store, List<EpochStats> earlier) {
            this.store = store;
            this.best = earlier.stream().mapToDouble(EpochStats::validationAccuracy).max().orElse(-1);
        }

        @Override
        public void epochDone(MultiLayerNetwork net, EpochStats stats, List<EpochStats> history) {
            int every = config.checkpoint().every();
            boolean due = every > 0 && (stats.epoch() % every == 0 || stats.epoch() == config.training().epochs());
            try {
                if (due) {
                    Path f = store.save(net, metadata(net, stats, history, null));
                    out.println("  checkpoint " + f);
                }
                if (every > 0 && stats.validationAccuracy() > best) {
                    best = stats.validationAccuracy();
                    store.saveBest(net, metadata(net, stats, history, null));
                }
            } catch (IOException e) {
                throw new UserError("Cannot write a checkpoint to " + store.dir() + ": " + e.getMessage()
                        + ". Check free disk space and permissions.", e);
            }
        }
    }
}
