package dev.mnistfcn.job;

import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.Json;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ConfigDiff;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.engine.Engine;
import dev.mnistfcn.engine.Predictor;
import dev.mnistfcn.engine.TrainingStep;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.eval.EvalResult;
import dev.mnistfcn.eval.Evaluator;
import dev.mnistfcn.network.NetworkFactory;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.report.TrainingSettings;
import dev.mnistfcn.report.Versions;
import dev.mnistfcn.storage.CheckpointStore;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.ModelMetadata;
import dev.mnistfcn.storage.RunFolder;
import dev.mnistfcn.storage.RunLock;
import dev.mnistfcn.config.EarlyStoppingSpec;
import dev.mnistfcn.train.CheckpointListener;
import dev.mnistfcn.train.EarlyStoppingListener;
import dev.mnistfcn.train.EarlyStoppingOutcome;
import dev.mnistfcn.train.TrainingListener;
import dev.mnistfcn.train.ConsoleListener;
import dev.mnistfcn.train.ProgressListener;
import dev.mnistfcn.train.Trainer;
import dev.mnistfcn.train.TestCurveListener;
import dev.mnistfcn.train.TrainingPlan;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The main job, start to end: config → network (new, or restored from the latest checkpoint) → engine, chosen
 * once → data → the epoch loop with console output and checkpoints → test evaluation → the run folder's files.
 */
public final class TrainingJob {
    private final ExperimentConfig config;
    private final PrintStream out;
    private final boolean progress;
    private final RunFolder folder;
    private final RunOutputs outputs;
    private final boolean testEachEpoch;

    public TrainingJob(ExperimentConfig config, PrintStream out, boolean progress) {
        this(config, out, progress, false);
    }

    /** {@code testEachEpoch}: also write the test accuracy after every epoch, for reporting only ({@link TestCurveListener}). */
    public TrainingJob(ExperimentConfig config, PrintStream out, boolean progress, boolean testEachEpoch) {
        this.testEachEpoch = testEachEpoch;
        this.config = config;
        this.out = out;
        this.progress = progress;
        this.folder = RunFolder.of(config);
        this.outputs = new RunOutputs(config, folder, out);
    }

    public CheckpointStore checkpoints() {
        return folder.checkpoints(config.checkpoint().keep());
    }

    /** A network ready to train: new or restored, its engine's training step, and the epochs it has behind it. */
    public record Start(MultiLayerNetwork net, Engine.Choice engine, TrainingStep step, List<EpochStats> history) {
    }

    /**
     * What to do with an earlier run in the same folder. {@code FALSE}: start from scratch (the earlier run's files
     * are moved aside); {@code TRUE}: continue from its latest checkpoint, which must exist; {@code AUTO}: continue
     * if there is a checkpoint, else start fresh — the one command a scheduler can rerun after any kill.
     */
    public enum Resume {
        FALSE, TRUE, AUTO;

        /** {@code true}, {@code false} or {@code auto}, as given to {@code --resume} or {@code -Dresume}. */
        public static Resume parse(String value, String where) {
            return switch (value == null ? "" : value) {
                case "false" -> FALSE;
                case "true" -> TRUE;
                case "auto" -> AUTO;
                default -> throw new UserError(where + " has value '" + value + "', which is not accepted. Expected true "
                        + "(continue from the latest checkpoint), false (start from scratch) or auto (continue if there is "
                        + "a checkpoint, else start; what to rerun after a kill).");
            };
        }
    }

    /** Trains from scratch. */
    public RunMetrics run() {
        return run(Resume.FALSE);
    }

    /**
     * Runs the job as {@code resume} says, holding the run folder's lock throughout. A run whose checkpoint already
     * has all its epochs is not trained again: its outputs are written from that checkpoint if they are missing
     * or stale, else it is left as it is and its metrics returned.
     */
    public RunMetrics run(Resume resume) {
        long started = System.nanoTime();
        // Built and chosen once, before anything is written: a refused engine is a config error.
        MultiLayerConfiguration conf = NetworkFactory.configuration(config);
        Engine.Choice engine = engine(conf);
        try (RunLock lock = RunLock.acquire(folder.dir())) {
            folder.removeUnfinishedWrites();
            if (resume != Resume.FALSE) {
                Optional<RunMetrics> done = finishedOutputs();
                if (done.isPresent()) {
                    out.printf("Run '%s' is already finished: %s holds its model, metrics and reports of %d epochs. "
                            + "Nothing to do (raise training.epochs to train further).%n", config.name(), folder.dir(),
                            config.training().epochs());
                    return done.get();
                }
            }
            Start start = start(resume, conf, engine);
            if (resume == Resume.FALSE || start.history().isEmpty()) moveEarlierRunAside();
            return train(start, started);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RunMetrics train(Start start, long started) {
        MultiLayerNetwork net = start.net();
        CheckpointStore store = checkpoints();
        outputs.writeResolvedConfig();
        MnistSplits data = loadData();
        double loadSeconds = (System.nanoTime() - started) / 1e9;
        printHeader(start, data);

        EarlyStoppingSpec stopping = config.training().earlyStopping();
        var checkpointing = new CheckpointListener(net, store, config.checkpoint().every(), stopping == null,
                (last, history) -> metadata(net, last, history, null), out);
        var watched = new ProgressListener(folder.dir(), config.name(), NetworkFactory.architecture(
                net.getLayerWiseConfigurations()), config.training().batchSize(), start.engine().engine().id(),
                String.join("; ", TrainingSettings.optimiser(config), TrainingSettings.joined(config)).replaceFirst("; $", ""));
        List<TrainingListener> listeners = new ArrayList<>(List.of(new ConsoleListener(out, progress), checkpointing,
                watched));
        EarlyStoppingListener earlyStopping = stopping == null ? null : new EarlyStoppingListener(stopping,
                (best, history) -> saveBest(store, net, best, history), out);
        if (earlyStopping != null) listeners.add(earlyStopping);
        if (testEachEpoch) listeners.add(new TestCurveListener(start.step().predictor(), data.test(), folder.dir()));
        List<EpochStats> history = new Trainer(listeners).train(start.step(), plan(data, start.history()));

        EarlyStoppingOutcome stopped = earlyStopping == null ? null : earlyStopping.outcome();
        // With early stopping, model.zip is the kept epoch's network, not the last one: that is tested and saved.
        MultiLayerNetwork kept = stopped == null ? net : keptNetwork(store, stopped.bestModelEpoch());
        Predictor predictor = stopped == null ? start.step().predictor() : start.engine().engine().predictor(kept);
        EvalResult test = Evaluator.evaluate(predictor, data.test());
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("data_load_seconds", loadSeconds);
        timings.put("train_seconds", history.stream().mapToDouble(EpochStats::trainSeconds).sum());
        timings.put("validation_seconds", history.stream().mapToDouble(EpochStats::validationSeconds).sum());
        timings.put("test_seconds", test.seconds());
        EpochStats last = stopped == null ? history.get(history.size() - 1) : history.get(stopped.bestModelEpoch() - 1);
        var finished = new RunOutputs.Finished(kept, predictor, test, data.test(), history, stopped,
                start.engine().engine().id());
        RunMetrics metrics = outputs.write(finished, metadata(kept, last, history, test.accuracy()), timings, started);
        watched.finished(test.accuracy(), stopped == null ? null : stopped.bestModelEpoch());
        return metrics;
    }

    /** The run's first lines: network, data, settings when any, and the engine. */
    private void printHeader(Start start, MnistSplits data) {
        MultiLayerNetwork net = start.net();
        String arch = NetworkFactory.architecture(net.getLayerWiseConfigurations());
        // MNIST is the default and goes unnamed; another dataset is named, with where it was read from.
        String dataset = Dataset.of(config.data()) == Dataset.MNIST ? ""
                : "; " + Dataset.of(config.data()).title() + " from " + config.data().dir();
        out.printf("%s: %s, %,d parameters%s; %,d training / %,d validation / %,d test images; %d epochs of batch %d%n",
                config.name(), arch, net.numParams(), dataset, data.train().numExamples(), data.validation().numExamples(),
                data.test().numExamples(), config.training().epochs(), config.training().batchSize());
        String settings = TrainingSettings.joined(config);
        // Only when set: the tutorial's nets keep the tutorial's header.
        if (!settings.isEmpty()) out.println(TrainingSettings.optimiser(config) + "; " + settings);
        out.println(start.engine().describe());
    }

    /**
     * The run's metrics if its folder holds every output of this very config (model, both reports, metrics
     * written last), so that rerunning it would only repeat it.
     */
    public Optional<RunMetrics> finishedOutputs() {
        for (Path p : List.of(folder.model(), folder.markdownReport(), folder.htmlReport(), folder.metrics())) {
            if (!Files.isRegularFile(p)) return Optional.empty();
        }
        try {
            RunMetrics m = Json.MAPPER.readValue(folder.metrics().toFile(), RunMetrics.class);
            return config.equals(m.config()) && m.complete() ? Optional.of(m) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // unreadable: produce it again rather than trust it
        }
    }

    /**
     * The network to train and its engine: new from the config, or (unless {@code resume} is FALSE) restored from
     * the latest checkpoint. Writes nothing.
     */
    public Start start(Resume resume) {
        MultiLayerConfiguration conf = NetworkFactory.configuration(config);
        return start(resume, conf, engine(conf));
    }

    /** {@link #start(Resume)} with the network configuration built and its engine chosen (once, by the caller). */
    private Start start(Resume resume, MultiLayerConfiguration conf, Engine.Choice engine) {
        CheckpointStore store = checkpoints();
        Optional<Path> latest = resume == Resume.FALSE ? Optional.empty() : store.latest();
        if (resume == Resume.TRUE && latest.isEmpty()) {
            throw new UserError("Nothing to resume: " + store.dir() + " holds no checkpoint (epoch-NN.zip). Run with "
                    + "--resume=auto / -Dresume=auto to start '" + config.name() + "' from scratch when there is none, or "
                    + "without resume to start it from scratch.");
        }
        if (latest.isEmpty()) {
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            return new Start(net, engine, engine.engine().trainingStep(net), List.of());
        }
        Path checkpoint = latest.get();
        ModelFiles.Loaded loaded = ModelFiles.load(checkpoint, true);
        requireSameArchitecture(checkpoint, conf, loaded.network());
        ModelMetadata meta = loaded.metadata().orElseThrow(() -> new UserError("Checkpoint " + checkpoint
                + " has no mnist-fcn metadata, so its epoch is unknown; it cannot be resumed."));
        requireResumableConfig(checkpoint, meta);
        if (meta.epoch() > config.training().epochs()) {
            throw new UserError("Checkpoint " + checkpoint + " is epoch " + meta.epoch() + ", past training.epochs = "
                    + config.training().epochs() + ": this run has already trained further. Set training.epochs to "
                    + meta.epoch() + " or more, or start from scratch (without resume).");
        }
        // The restored network has the config's architecture and settings (checked above): the same engine serves it.
        MultiLayerNetwork net = loaded.network();
        out.printf(meta.epoch() == config.training().epochs()
                        ? "Finishing '%s' from %s: all %4$d epochs trained; evaluating and writing its outputs.%n"
                        : "Resuming '%s' from %s: epoch %d of %d done, %,d iterations, updater state restored.%n",
                config.name(), checkpoint, meta.epoch(), config.training().epochs(), net.getIterationCount());
        return new Start(net, engine, engine.engine().trainingStep(net), meta.history());
    }

    /**
     * What was trained is what the files say: a resume may change only how far to train and where and how often
     * to save ({@link #MAY_CHANGE_ON_RESUME}); anything else (optimiser, activations, batch size, data) is refused.
     */
    private void requireResumableConfig(Path checkpoint, ModelMetadata meta) {
        List<String> changed = changedSince(checkpoint, meta);
        if (!changed.isEmpty()) {
            throw new UserError("Cannot resume '" + config.name() + "' from " + checkpoint + ": the config differs from "
                    + "the one it was trained with (" + String.join("; ", changed) + "). Only " + String.join(", ",
                    MAY_CHANGE_ON_RESUME) + " may change between a run and its resume. Resume with the recorded config "
                    + "(" + folder.resolvedConfig() + "), or start from scratch without resume (the earlier run is "
                    + "moved aside), or give this run another name.");
        }
    }

    /** How this config differs from the one {@code checkpoint} was trained with, in keys a resume may not change. */
    private List<String> changedSince(Path checkpoint, ModelMetadata meta) {
        ExperimentConfig recorded = ConfigLoader.parse(meta.config(), "the config recorded in " + checkpoint);
        List<String> changed = new ArrayList<>();
        for (ConfigDiff.Difference d : ConfigDiff.between(recorded, config)) {
            if (MAY_CHANGE_ON_RESUME.stream().noneMatch(k -> d.key().equals(k) || d.key().startsWith(k + "."))) {
                changed.add(d.key() + " was " + d.a() + ", now " + d.b());
            }
        }
        return changed;
    }

    /**
     * Whether {@link Resume#TRUE} would continue this folder's run: it has a checkpoint of this config (up to what
     * a resume may change) with no more epochs than configured. {@code compare} resumes such runs, and starts the
     * others afresh.
     */
    public boolean canResume() {
        Optional<Path> latest = checkpoints().latest();
        if (latest.isEmpty()) return false;
        try {
            ModelFiles.Loaded loaded = ModelFiles.load(latest.get(), true);
            ModelMetadata meta = loaded.metadata().orElse(null);
            // The recorded config covers the layer sizes too: an equal one means the same architecture.
            return meta != null && meta.epoch() <= config.training().epochs() && changedSince(latest.get(), meta).isEmpty();
        } catch (UserError e) {
            return false; // an unreadable checkpoint: start afresh (the earlier files are moved aside, not lost)
        }
    }

    /** Keys a resume may change: how far to train, how often and where to save, where MNIST lives (checksummed). */
    static final List<String> MAY_CHANGE_ON_RESUME = List.of("training.epochs", "checkpoint", "output", "data.dir");

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
                config.training().epochs(), done, config.data().augment());
    }

    ModelMetadata metadata(MultiLayerNetwork net, EpochStats last, List<EpochStats> history, Double testAccuracy) {
        return new ModelMetadata(config.name(), ConfigLoader.toYaml(config), last.epoch(), net.getIterationCount(),
                last.validationLoss(), last.validationAccuracy(), testAccuracy, Versions.dl4j(), Instant.now().toString(),
                List.copyOf(history), config.data().dataset());
    }

    private void saveBest(CheckpointStore store, MultiLayerNetwork net, EpochStats best, List<EpochStats> history) {
        try {
            store.saveBest(net, metadata(net, best, history, null));
        } catch (IOException e) {
            throw new UserError("Cannot write the best model to " + store.dir() + ": " + e.getMessage()
                    + ". Check free disk space and permissions.", e);
        }
    }

    /**
     * The network early stopping kept, from {@code best.zip}. Its epoch is checked: after a resume from an older
     * checkpoint, best.zip is right only if the retrained epochs improved where the lost ones did, which exact
     * resume guarantees; a mismatch is reported rather than saved as the wrong epoch.
     */
    private MultiLayerNetwork keptNetwork(CheckpointStore store, int epoch) {
        Path best = store.best();
        if (!Files.isRegularFile(best)) {
            throw new UserError("Early stopping kept epoch " + epoch + ", but " + best + " (its weights) is missing. "
                    + "Train '" + config.name() + "' again from scratch (without resume).");
        }
        ModelFiles.Loaded loaded = ModelFiles.load(best, true);
        int saved = loaded.metadata().map(ModelMetadata::epoch).orElse(-1);
        if (saved != epoch) {
            throw new UserError("Early stopping kept epoch " + epoch + ", but " + best + " holds epoch " + saved
                    + ". Train '" + config.name() + "' again from scratch (without resume).");
        }
        return loaded.network();
    }

    /** The tutorial's "NotFoundError … restart the kernel", explained: the config and the checkpoint disagree. */
    private void requireSameArchitecture(Path checkpoint, MultiLayerConfiguration conf, MultiLayerNetwork restored) {
        String expected = NetworkFactory.architecture(conf);
        String actual = ModelFiles.describe(restored.getLayerWiseConfigurations());
        if (!expected.equals(actual)) {
            throw new UserError("Checkpoint " + checkpoint + " holds a " + actual + " network, but config '" + config.name()
                    + "' describes " + expected + ": its weights cannot be loaded into this network. Resume with the "
                    + "config that wrote the checkpoint (its copy is " + folder.resolvedConfig() + ") or give this "
                    + "run another name / output.dir.");
        }
    }

    /** Moves an earlier run in this folder into its {@code .previous} folder, and says so. */
    private void moveEarlierRunAside() {
        try {
            int moved = folder.moveEarlierRunAside();
            if (moved == 0) return;
            out.printf("Starting '%s' from scratch: moved the %d file(s) and folder(s) of an earlier run in %s to %s "
                    + "(use --resume=auto / -Dresume=auto to continue that run instead).%n", config.name(), moved,
                    folder.dir(), folder.previous());
        } catch (IOException e) {
            throw new UserError("Cannot move the earlier run in " + folder.dir() + " aside: " + e.getMessage()
                    + ". Check permissions and free space, or give this run another name.", e);
        }
    }
}
