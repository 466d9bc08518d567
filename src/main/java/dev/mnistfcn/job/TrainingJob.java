package dev.mnistfcn.job;

import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.engine.Engine;
import dev.mnistfcn.engine.Predictor;
import dev.mnistfcn.engine.TrainingStep;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.eval.EvalResult;
import dev.mnistfcn.eval.Evaluator;
import dev.mnistfcn.eval.Mistakes;
import dev.mnistfcn.network.NetworkFactory;
import dev.mnistfcn.report.ConfigResult;
import dev.mnistfcn.report.HtmlReport;
import dev.mnistfcn.report.MarkdownReport;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.report.TestMetrics;
import dev.mnistfcn.report.Versions;
import dev.mnistfcn.storage.AtomicFiles;
import dev.mnistfcn.storage.CheckpointStore;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.ModelMetadata;
import dev.mnistfcn.storage.RunFolder;
import dev.mnistfcn.train.CheckpointListener;
import dev.mnistfcn.train.ConsoleListener;
import dev.mnistfcn.train.Trainer;
import dev.mnistfcn.train.TrainingPlan;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
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
 * The main job, start to end: config → network (new, or restored from the latest checkpoint) → engine, chosen
 * once → data → the epoch loop with console output and checkpoints → test evaluation → the run folder's files.
 */
public final class TrainingJob {
    /** Misclassified digits shown in the HTML report. */
    public static final int GALLERY = 32;

    private final ExperimentConfig config;
    private final PrintStream out;
    private final boolean progress;
    private final RunFolder folder;

    public TrainingJob(ExperimentConfig config, PrintStream out, boolean progress) {
        this.config = config;
        this.out = out;
        this.progress = progress;
        this.folder = RunFolder.of(config);
    }

    public CheckpointStore checkpoints() {
        return folder.checkpoints(config.checkpoint().keep());
    }

    /** A network ready to train: new or restored, its engine's training step, and the epochs it has behind it. */
    public record Start(MultiLayerNetwork net, Engine.Choice engine, TrainingStep step, List<EpochStats> history) {
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
        long started = System.nanoTime();
        Optional<Start> maybe = start(resume);
        if (maybe.isEmpty()) return Optional.empty();
        Start start = maybe.get();
        MultiLayerNetwork net = start.net();
        CheckpointStore store = checkpoints();
        if (!resume) removeEarlierCheckpoints(store);
        try {
            // Written first: a run can be repeated exactly from this file even if it is interrupted.
            AtomicFiles.writeString(folder.resolvedConfig(), ConfigLoader.toYaml(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MnistSplits data = loadData();
        double loadSeconds = (System.nanoTime() - started) / 1e9;
        String arch = NetworkFactory.architecture(net.getLayerWiseConfigurations());
        out.printf("%s: %s, %,d parameters; %,d training / %,d validation / %,d test images; %d epochs of batch %d%n",
                config.name(), arch, net.numParams(), data.train().numExamples(), data.validation().numExamples(),
                data.test().numExamples(), config.training().epochs(), config.training().batchSize());
        out.println(start.engine().describe());

        var checkpointing = new CheckpointListener(net, store, config.checkpoint().every(),
                (last, history) -> metadata(net, last, history, null), out);
        List<EpochStats> history = new Trainer(List.of(new ConsoleListener(out, progress), checkpointing))
                .train(start.step(), plan(data, start.history()));

        Predictor predictor = start.step().predictor();
        EvalResult test = Evaluator.evaluate(predictor, data.test());
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("data_load_seconds", loadSeconds);
        timings.put("train_seconds", history.stream().mapToDouble(EpochStats::trainSeconds).sum());
        timings.put("validation_seconds", history.stream().mapToDouble(EpochStats::validationSeconds).sum());
        timings.put("test_seconds", test.seconds());
        try {
            EpochStats last = history.get(history.size() - 1);
            ModelFiles.save(net, folder.model(), true, metadata(net, last, history, test.accuracy()));
            timings.put("total_seconds", (System.nanoTime() - started) / 1e9);
            RunMetrics metrics = new RunMetrics(config.name(), arch, net.numParams(), start.engine().engine().id(),
                    config, history, TestMetrics.of(test), timings, Versions.all());
            String report = MarkdownReport.render(metrics);
            AtomicFiles.writeString(folder.metrics(), metrics.toJson());
            AtomicFiles.writeString(folder.markdownReport(), report);
            var single = new ConfigResult(config.name(), arch, config.model().hidden().size(), net.numParams(),
                    history.size(), List.of(metrics), Double.NaN, Files.size(folder.model()),
                    Mistakes.mostConfident(predictor, data.test(), GALLERY));
            AtomicFiles.writeString(folder.htmlReport(), HtmlReport.render(config.name() + ": training report",
                    List.of(single), false));
            out.println();
            out.print(report);
            out.printf("%nWrote %s, %s, %s, %s and %s in %s (%.1f s in all).%n", name(folder.model()),
                    name(folder.markdownReport()), name(folder.htmlReport()), name(folder.metrics()),
                    name(folder.resolvedConfig()), folder.dir(), timings.get("total_seconds"));
            return Optional.of(metrics);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The network to train and its engine: new from the config, or with {@code resume} restored from the latest
     * checkpoint; empty when that checkpoint already has all the configured epochs. Writes nothing.
     */
    public Optional<Start> start(boolean resume) {
        if (!resume) {
            MultiLayerConfiguration conf = NetworkFactory.configuration(config);
            Engine.Choice engine = engine(conf); // before anything is built: a refused engine is a config error
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            return Optional.of(new Start(net, engine, engine.engine().trainingStep(net), List.of()));
        }
        CheckpointStore store = checkpoints();
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
        MultiLayerNetwork net = loaded.network();
        Engine.Choice engine = engine(net.getLayerWiseConfigurations());
        out.printf("Resuming '%s' from %s: epoch %d of %d done, %,d iterations, updater state restored.%n",
                config.name(), latest, meta.epoch(), config.training().epochs(), net.getIterationCount());
        return Optional.of(new Start(net, engine, engine.engine().trainingStep(net), meta.history()));
    }

    /** The engine {@code training.engine} asks for, for this network: decided here, once per run. */
    Engine.Choice engine(MultiLayerConfiguration conf) {
        return Engine.choose(config.training().engine(), conf, Engine.Use.TRAINING, "config '" + config.name() + "'",
                "training.engine");
    }

    /** MNIST split as the config says. */
    public MnistSplits loadData() {
        return MnistSplits.load(config.data(), Path.of(config.data().dir()));
    }

    /** The loop's plan for this config on {@code data}, after the epochs in {@code done}. */
    public TrainingPlan plan(MnistSplits data, List<EpochStats> done) {
        return new TrainingPlan(data.train(), data.validation(), config.training().batchSize(), config.seed(),
                config.training().epochs(), done);
    }

    ModelMetadata metadata(MultiLayerNetwork net, EpochStats last, List<EpochStats> history, Double testAccuracy) {
        return new ModelMetadata(config.name(), ConfigLoader.toYaml(config), last.epoch(), net.getIterationCount(),
                last.validationLoss(), last.validationAccuracy(), testAccuracy, Versions.dl4j(), Instant.now().toString(),
                List.copyOf(history));
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    /** The tutorial's "NotFoundError … restart the kernel", explained: the config and the checkpoint disagree. */
    private void requireSameArchitecture(Path checkpoint, MultiLayerNetwork restored) {
        String expected = NetworkFactory.architecture(NetworkFactory.configuration(config));
        String actual = ModelFiles.describe(restored.getLayerWiseConfigurations());
        if (!expected.equals(actual)) {
            throw new UserError("Checkpoint " + checkpoint + " holds a " + actual + " network, but config '" + config.name()
                    + "' describes " + expected + ": its weights cannot be loaded into this network. Resume with the "
                    + "config that wrote the checkpoint (its copy is " + folder.resolvedConfig() + ") or give this "
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
}
