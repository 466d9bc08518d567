package dev.mnistfcn.job;

import dev.mnistfcn.UserError;
import dev.mnistfcn.Folders;
import dev.mnistfcn.ModelProvenance;
import dev.mnistfcn.Timeline;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.EarlyStoppingSpec;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.data.DatasetFiles;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.engine.Predictor;
import dev.mnistfcn.engine.Warmup;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.eval.EvalResult;
import dev.mnistfcn.eval.Evaluator;
import dev.mnistfcn.network.LayerSizes;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.report.TrainingSettings;
import dev.mnistfcn.storage.CheckpointStore;
import dev.mnistfcn.storage.ModelMetadata;
import dev.mnistfcn.storage.RunFolder;
import dev.mnistfcn.storage.RunLock;
import dev.mnistfcn.train.CheckpointListener;
import dev.mnistfcn.train.ConsoleListener;
import dev.mnistfcn.train.EarlyStoppingListener;
import dev.mnistfcn.train.EarlyStoppingOutcome;
import dev.mnistfcn.train.FirstEpochMark;
import dev.mnistfcn.train.RunProgressListener;
import dev.mnistfcn.train.Trainer;
import dev.mnistfcn.train.TestCurveListener;
import dev.mnistfcn.train.TrainingListener;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The main job, start to end: config → start or restore ({@link RunStart}: network and engine, once) → data →
 * the epoch loop with console output and checkpoints → test evaluation → the run folder's files ({@link RunOutputs}).
 */
public final class TrainingJob {
    private final ExperimentConfig config;
    private final PrintStream out;
    private final boolean progress;
    private final RunFolder folder;
    private final RunOutputs outputs;
    /** The last run's phases, after the command's start-up (cli marks those on the process's timeline). */
    private volatile Timeline timeline = Timeline.process();
    /** Set once training has ended (every epoch, or early stopping) and the test set and files are what is left. */
    private volatile boolean trained;
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
        return run(resume, resume != Resume.FALSE);
    }

    /**
     * As {@link #run(Resume)}; {@code reuseFinished}: a run whose outputs are finished once the lock is held is left as
     * it is, even with {@link Resume#FALSE}. For compare and sweeps, which decide before they hold the lock: a run
     * another process finished in between was moved aside and trained again.
     */
    public RunMetrics run(Resume resume, boolean reuseFinished) {
        long started = System.nanoTime();
        timeline = Timeline.process().fork();
        RunStart start = new RunStart(config, folder, out); // network and engine, before anything is written
        folder.refuseFolderNoRunWrote();
        // A finished run only says so (--resume of one saved with checkpoint.every: 0 was "nothing to resume"), and
        // needs no data: it is read before the run's folder (a missing dataset left one holding only its lock).
        Optional<RunMetrics> finished = reuseFinished ? outputs.finished() : Optional.empty();
        if (finished.isEmpty()) {
            start.requireCheckpointFor(resume);
            DatasetFiles.obtain(Dataset.of(config.data()), Path.of(config.data().dir()));
        } else if (!Files.isWritable(folder.dir())) { // read-only storage: "cannot lock" for a run with nothing to do
            out.println(alreadyFinished(finished.get()));
            return finished.get();
        }
        try (RunLock lock = RunLock.acquire(folder.dir())) {
            folder.removeUnfinishedWrites();
            Optional<RunMetrics> done = reuseFinished ? outputs.finished() : Optional.empty();
            if (done.isPresent()) {
                out.println(alreadyFinished(done.get()));
                return done.get();
            }
            // MNIST is read and checked on the spare core while the network is built or restored (issue 29).
            CompletableFuture<MnistSplits> data = readOnSpareCore();
            TrainingPlan plan = start.plan(resume);
            timeline.mark("network");
            return train(plan, started, data, resume == Resume.FALSE || plan.done().isEmpty());
        } catch (IOException e) {
            throw Folders.cannotWrite("the run's files", folder.dir(), e);
        }
    }

    /** What a resume of a finished run says instead of training: how far it went, and how to go further. */
    String alreadyFinished(RunMetrics done) {
        EarlyStoppingOutcome es = done.earlyStoppingWithin(config.training().earlyStopping(), config.training().epochs());
        if (es != null && es.stoppedEarly()) {
            return String.format(Locale.ROOT, "Run '%s' is already finished: it stopped early after epoch %d of %d "
                    + "(training.early_stopping), and %s holds its model (epoch %d's weights), metrics and reports. "
                    + "Nothing to do (to train it again, start it afresh: without --resume).", config.name(),
                    done.history().size(), config.training().epochs(), folder.dir(), es.bestModelEpoch());
        }
        return String.format(Locale.ROOT, "Run '%s' is already finished: %s holds its model, metrics and reports of %d "
                + "epochs. Nothing to do (raise training.epochs to train further).", config.name(), folder.dir(),
                done.history().size());
    }

    /** MNIST read and checked on a thread of its own, or null where {@link EarlyStart} is off. */
    CompletableFuture<MnistSplits> readOnSpareCore() {
        return EarlyStart.enabled() ? EarlyStart.onSpareCore("mnist-read", () -> {
            MnistSplits read = loadData();
            timeline.mark("mnist_read"); // which of the two on the spare core "data" waited for
            return read;
        }) : null;
    }

    /**
     * What epoch 1 starts from: MNIST ({@code reading}, or read here where it is null) and, beside its reading, the
     * hot kernels compiled on a copy of the network, so that epoch 1 runs at full speed.
     */
    MnistSplits readyForEpoch1(TrainingPlan plan, CompletableFuture<MnistSplits> reading) {
        // Once read, the training set is listed for layer 0 on the reading thread too (TrainingStep.prepare), not at
        // epoch 1's first batch in code the JIT has not compiled yet; augmented epochs are listed as they are made.
        var ready = reading == null || config.data().augment() != null ? reading : reading.thenApply(d -> {
            plan.step().prepare(d.train(), config.training().batchSize());
            return d;
        });
        var warm = ready == null ? null : EarlyStart.onSpareCore("warm-up", () -> {
            int rows = Warmup.batchRows(config.training().batchSize(), EarlyStart.WARMUP_ROWS);
            int batches = Warmup.run(plan.engine().engine(), plan.net(), rows,
                    Warmup.minBatches(EarlyStart.WARMUP_MIN, config.data().trainSize(), rows), EarlyStart.WARMUP_MAX,
                    ready::isDone);
            timeline.mark("warmed_up");
            return batches;
        });
        MnistSplits data = ready == null ? loadData() : EarlyStart.joined(ready);
        if (warm != null) EarlyStart.joined(warm);
        return data;
    }

    /** Trains from {@code plan}; {@code fresh}: the earlier run in the folder is moved aside once the data is ready. */
    private RunMetrics train(TrainingPlan plan, long started, CompletableFuture<MnistSplits> reading, boolean fresh) {
        MultiLayerNetwork net = plan.net();
        CheckpointStore store = checkpoints();
        // Data first: a data.dir that cannot be read stops the run before the earlier one is moved out of the way.
        MnistSplits data = readyForEpoch1(plan, reading);
        if (fresh) moveEarlierRunAside();
        // A finished run that trains on keeps its record (metrics.json, and the config that made it) until it finishes
        // again: a killed halving sweep reuses round 1 from it, and the run's files still describe one another.
        if (fresh || !outputs.finishedOnDisk()) outputs.writeResolvedConfig();
        double loadSeconds = (System.nanoTime() - started) / 1e9;
        timeline.mark("data");
        ModelProvenance provenance = plan.provenance(data);
        out.print(plan.header(data));

        EarlyStoppingSpec stopping = config.training().earlyStopping();
        var checkpointing = new CheckpointListener(net, store, config.checkpoint().every(), stopping == null,
                (last, history) -> metadata(provenance, net, last, history, null), out);
        var watched = new RunProgressListener(folder.dir(), config.name(), LayerSizes.of(
                net.getLayerWiseConfigurations()), config.training().batchSize(), plan.engine().engine().id(),
                TrainingSettings.line(config));
        List<TrainingListener> listeners = new ArrayList<>(List.of(new ConsoleListener(out, progress), checkpointing,
                watched, new FirstEpochMark(timeline)));
        EarlyStoppingListener earlyStopping = stopping == null ? null : new EarlyStoppingListener(stopping,
                (best, history) -> saveBest(store, metadata(provenance, net, best, history, null), net), out);
        if (earlyStopping != null) listeners.add(earlyStopping);
        if (testEachEpoch) listeners.add(new TestCurveListener(plan.step().predictor(), data.test(), folder.dir()));
        List<EpochStats> history;
        try {
            history = new Trainer(listeners).train(plan.step(), plan.epochs(data));
        } catch (UserError e) {
            watched.failed(e.getMessage());
            throw e;
        }
        trained = true;

        EarlyStoppingOutcome stopped = earlyStopping == null ? null : earlyStopping.outcome();
        // With early stopping, model.zip is the kept epoch's network, not the last one: that is tested and saved.
        MultiLayerNetwork kept = stopped == null ? net : store.loadBest(stopped.bestModelEpoch(), history, config.name());
        Predictor predictor = stopped == null ? plan.step().predictor() : plan.engine().engine().predictor(kept);
        timeline.mark("training");
        EvalResult test = Evaluator.evaluate(predictor, data.test());
        timeline.mark("test");
        EpochStats last = stopped == null ? history.get(history.size() - 1) : history.get(stopped.bestModelEpoch() - 1);
        var finished = new RunOutputs.Finished(kept, test, data.test(), history, stopped, loadSeconds, started);
        RunMetrics metrics = outputs.write(finished, metadata(provenance, kept, last, history, test.accuracy()),
                timeline);
        watched.finished(test.accuracy(), stopped == null ? null : stopped.bestModelEpoch());
        return metrics;
    }

    /** Whether training has ended: only the test set and the run's files are left to do. */
    public boolean trained() {
        return trained;
    }

    /** When each phase of the last run ended, in seconds since the command started. */
    public Timeline timeline() {
        return timeline;
    }

    /** What a saved network's zip records: the provenance as of that epoch, and the figures so far. */
    private static ModelMetadata metadata(ModelProvenance provenance, MultiLayerNetwork net, EpochStats last,
                                          List<EpochStats> history, Double testAccuracy) {
        return new ModelMetadata(provenance.at(last.epoch(), Instant.now()), net.getIterationCount(),
                last.validationLoss(), last.validationAccuracy(), testAccuracy, history);
    }

    private static void saveBest(CheckpointStore store, ModelMetadata metadata, MultiLayerNetwork net) {
        try {
            store.saveBest(net, metadata);
        } catch (IOException e) {
            throw Folders.cannotWrite("the best model", store.dir(), e);
        }
    }

    /** Moves an earlier run in this folder into its {@code .previous} folder ({@link RunFolder}), and says so. */
    private void moveEarlierRunAside() {
        // The hint holds only where there was a checkpoint to continue (a fresh start after a resume was asked for
        // means there was none: one there is resumed, or its config refused).
        boolean couldResume = checkpoints().latest().isPresent();
        RunFolder.Aside aside = folder.moveEarlierRunAside(ConfigLoader.toYaml(config));
        if (!aside.removed().isEmpty()) {
            out.printf(Locale.ROOT, "Starting '%s' from scratch: removed %s, left in %s by a start that saved no model (nothing to "
                    + "resume, or this same config started again)%s.%n",
                    config.name(), String.join(", ", aside.removed()), folder.dir(), Files.isDirectory(folder.previous())
                            ? "; the run before it stays in " + folder.previous() : "");
        }
        if (aside.moved() == 0) return;
        out.printf(Locale.ROOT, "Starting '%s' from scratch: moved the %d file(s) and folder(s) of an earlier run in %s to %s "
                + "(%s).%s%n", config.name(), aside.moved(), folder.dir(), folder.previous(), couldResume
                        ? "its checkpoints went with it: --resume=auto / -Dresume=auto, given instead of a fresh "
                        + "start, continues a run of the same config in its folder"
                        : "it left no checkpoint to resume: none written yet, or checkpoint.every is 0",
                aside.left().isEmpty() ? "" : " Left where they are, as no run writes them: "
                        + Folders.firstFew(aside.left()) + ".");
    }

    // For compare, sweeps, bench and tests: the steps above one by one.

    /** The network to train and its engine, new or (unless {@code resume} is FALSE) restored. Writes nothing. */
    public TrainingPlan start(Resume resume) {
        return new RunStart(config, folder, out).plan(resume);
    }

    /** MNIST split as the config says. */
    public MnistSplits loadData() {
        return MnistSplits.load(config.data(), Path.of(config.data().dir()));
    }

    public CheckpointStore checkpoints() {
        return folder.checkpoints(config.checkpoint().keep());
    }

    /** The run's metrics if its folder holds every output of this very config ({@link RunOutputs#finished}). */
    public Optional<RunMetrics> finishedOutputs() {
        return outputs.finished();
    }

    /**
     * Whether {@link Resume#TRUE} would continue this folder's run: it has a checkpoint of this config (up to what
     * a resume may change) with no more epochs than configured. {@code compare} resumes such runs, and starts the
     * others afresh.
     */
    public boolean canResume() {
        return RunStart.canResume(config, folder);
    }

    /**
     * Whether a run of {@code recorded} is one of {@code config} as a resume sees it: they differ at most in how far
     * to train, how often and where to save, and where MNIST lives.
     */
    public static boolean sameRun(ExperimentConfig recorded, ExperimentConfig config) {
        return RunStart.restartingChanges(recorded, config).isEmpty();
    }
}
