package dev.mnistfcn.job;

import dev.mnistfcn.UserError;
import dev.mnistfcn.Versions;
import dev.mnistfcn.config.ConfigDiff;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.EarlyStoppingSpec;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.engine.Engine;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.network.LayerSizes;
import dev.mnistfcn.network.NetworkFactory;
import dev.mnistfcn.storage.CheckpointStore;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.ModelMetadata;
import dev.mnistfcn.storage.RunFolder;
import dev.mnistfcn.train.EarlyStoppingListener;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Start or restore. Made before anything is written: it builds the network configuration and chooses its engine
 * here, once (a refused engine is a config error); {@link #plan} then hands on a {@link TrainingPlan} with a new
 * network, or the latest checkpoint's, checked against the config. Writes nothing.
 */
final class RunStart {
    /** Keys a resume may change: how far to train, how often and where to save, where MNIST lives (checksummed). */
    static final List<String> MAY_CHANGE_ON_RESUME = List.of("training.epochs", "checkpoint", "output", "data.dir");

    private final ExperimentConfig config;
    private final RunFolder folder;
    private final PrintStream out;
    private final MultiLayerConfiguration conf;
    private final Engine.Choice engine;

    RunStart(ExperimentConfig config, RunFolder folder, PrintStream out) {
        this.config = config;
        this.folder = folder;
        this.out = out;
        this.conf = NetworkFactory.configuration(config);
        this.engine = Engine.forTraining(config, conf, "config '" + config.name() + "'");
    }

    /**
     * The run's latest checkpoint; {@link Resume#TRUE} with none to resume is refused, before the run's folder and
     * lock are made (and again by {@link #plan}, under the lock).
     */
    Optional<Path> requireCheckpointFor(Resume resume) {
        CheckpointStore store = folder.checkpoints(config.checkpoint().keep());
        Optional<Path> latest = store.latest();
        if (resume == Resume.TRUE && latest.isEmpty()) {
            throw new UserError("Nothing to resume: " + store.dir() + " holds no checkpoint (epoch-NN.zip). Run with "
                    + "--resume=auto / -Dresume=auto to start '" + config.name() + "' from scratch when there is none, or "
                    + "without resume to start it from scratch.");
        }
        return latest;
    }

    /** A new network, or (unless {@code resume} is FALSE) the latest checkpoint's, with its engine's training step. */
    TrainingPlan plan(Resume resume) {
        Optional<Path> latest = resume == Resume.FALSE ? Optional.empty() : requireCheckpointFor(resume);
        if (latest.isEmpty()) {
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            return new TrainingPlan(config, net, engine, engine.engine().trainingStep(net), List.of());
        }
        Path checkpoint = latest.get();
        ModelFiles.Loaded loaded = ModelFiles.load(checkpoint, true);
        requireSameArchitecture(checkpoint, loaded.network());
        ModelMetadata meta = loaded.metadata().orElseThrow(() -> new UserError("Checkpoint " + checkpoint
                + " has no mnist-fcn metadata, so its epoch is unknown; it cannot be resumed."));
        requireResumableConfig(checkpoint, meta);
        if (meta.epoch() > config.training().epochs()) {
            throw new UserError("Checkpoint " + checkpoint + " is epoch " + meta.epoch() + ", past training.epochs = "
                    + config.training().epochs() + ": this run has already trained further. Set training.epochs to "
                    + meta.epoch() + " or more, or start from scratch (without resume).");
        }
        requireKeptEpochStillSaved(checkpoint, meta.epoch());
        noteOtherVectorApi(checkpoint, meta);
        // The restored network has the config's architecture and settings (checked above): the same engine serves it.
        MultiLayerNetwork net = loaded.network();
        EarlyStoppingSpec stopping = config.training().earlyStopping();
        if (meta.epoch() == config.training().epochs()) {
            out.printf(Locale.ROOT, "Finishing '%s' from %s: all %d epochs trained; evaluating and writing its outputs.%n",
                    config.name(), checkpoint, meta.epoch());
        } else if (stopping != null
                && EarlyStoppingListener.replay(stopping, meta.history(), config.training().epochs()).stoppedEarly()) {
            // Killed after early stopping ended it but before its outputs: it trains nothing more.
            out.printf(Locale.ROOT, "Finishing '%s' from %s: early stopping ended it after epoch %d; evaluating and writing its "
                    + "outputs.%n", config.name(), checkpoint, meta.epoch());
        } else {
            out.printf(Locale.ROOT, "Resuming '%s' from %s: epoch %d of %d done, %,d iterations, updater state restored.%n",
                    config.name(), checkpoint, meta.epoch(), config.training().epochs(), net.getIterationCount());
            noteDl4jDropout(checkpoint); // only where epochs are trained: a finish trains none
        }
        return new TrainingPlan(config, net, engine, engine.engine().trainingStep(net), meta.history());
    }

    /**
     * The fused engine's first layer runs through the Vector API where the JVM has it, else densely, summing in another
     * order: a run resumed in the other kind of JVM (a plain {@code java} command, or the CLI's untuned fallback) goes
     * on, but not bit for bit as it would have. Said, since exact resume is what the user expects.
     */
    private void noteOtherVectorApi(Path checkpoint, ModelMetadata meta) {
        String then = meta.provenance().versions() == null ? null : meta.provenance().versions().get(Versions.VECTOR_API);
        if (then == null || then.equals(Versions.vectorApi()) || engine.engine() != Engine.FUSED) return;
        out.printf(Locale.ROOT, "Note: %s was trained in a JVM where %s was %s; in this one it is %s, so the fused engine's first "
                        + "layer sums in another order and the resumed epochs will differ slightly from an uninterrupted "
                        + "run's. For a bit-exact resume run it as it was trained (mvn exec:java or the CLI, whose JVM "
                        + "loads the module).%n", checkpoint, Versions.VECTOR_API, then, Versions.vectorApi());
    }

    /**
     * DL4J's {@code fit} draws dropout masks from ND4J's global generator, whose position no checkpoint holds: such a
     * resume goes on with other masks than the uninterrupted run's (docs/regularisation.md). Said, as above.
     */
    private void noteDl4jDropout(Path checkpoint) {
        boolean dropout = conf.getConfs().stream().anyMatch(c -> c.getLayer().getIDropout() != null);
        if (!dropout || engine.engine() != Engine.DL4J) return;
        out.printf(Locale.ROOT, "Note: %s is resumed on the DL4J engine with dropout: DL4J draws its dropout masks from ND4J's global "
                + "generator, which a checkpoint does not hold, so the resumed epochs will differ from an uninterrupted "
                + "run's. The fused engine (training.engine: fused) resumes dropout bit for bit.%n", checkpoint);
    }

    /**
     * With early stopping, a kill can leave {@code best.zip} holding an epoch after the latest checkpoint. Exact resume
     * retrains up to it, but a resume that now ends sooner (training.epochs lowered) would keep an earlier epoch whose
     * weights best.zip no longer holds: refused here, before any training, rather than when the run ends
     * ({@link CheckpointStore#loadBest}). best.zip's own history says which epoch the shorter run would keep.
     */
    private void requireKeptEpochStillSaved(Path checkpoint, int resumedEpoch) {
        EarlyStoppingSpec spec = config.training().earlyStopping();
        Path best = folder.checkpoints(config.checkpoint().keep()).best();
        if (spec == null || !Files.isRegularFile(best)) return;
        ModelMetadata saved;
        try {
            saved = ModelFiles.load(best, false).metadata().orElse(null);
        } catch (UserError e) {
            return; // unreadable: the end of the run reports it, as before
        }
        if (saved == null || saved.epoch() <= resumedEpoch) return;
        int epochs = config.training().epochs();
        List<EpochStats> history = saved.history().subList(0, Math.min(saved.history().size(), epochs));
        int kept = EarlyStoppingListener.replay(spec, history, epochs).bestModelEpoch();
        // best.zip holds it, or the resumed epochs save it again (the resumed one itself too: trainingStarted)
        if (kept == saved.epoch() || kept >= resumedEpoch) return;
        throw new UserError("Cannot resume '" + config.name() + "' with training.epochs = " + epochs + ": early stopping "
                + "would keep epoch " + kept + ", but " + best + " now holds epoch " + saved.epoch() + " (the run had "
                + "trained that far after its latest checkpoint, " + checkpoint.getFileName() + "), so epoch " + kept
                + "'s weights are no longer saved. Set training.epochs to " + saved.epoch() + " or more, or start "
                + "from scratch (without resume).");
    }

    /**
     * Whether {@link Resume#TRUE} would continue the run in {@code folder}: it has a checkpoint of {@code config} (up
     * to what a resume may change) with no more epochs than configured.
     */
    static boolean canResume(ExperimentConfig config, RunFolder folder) {
        Optional<Path> latest = folder.checkpoints(config.checkpoint().keep()).latest();
        if (latest.isEmpty()) return false;
        try {
            ModelMetadata meta = ModelFiles.load(latest.get(), false).metadata().orElse(null); // no updater: not trained here
            // The recorded config covers the layer sizes too: an equal one means the same architecture.
            return meta != null && meta.epoch() <= config.training().epochs()
                    && changedSince(config, latest.get(), meta).isEmpty();
        } catch (UserError e) {
            return false; // an unreadable checkpoint: start afresh (the earlier files are moved aside, not lost)
        }
    }

    /**
     * What was trained is what the files say: a resume may change only how far to train and where and how often
     * to save ({@link #MAY_CHANGE_ON_RESUME}); anything else (optimiser, activations, batch size, data) is refused.
     */
    private void requireResumableConfig(Path checkpoint, ModelMetadata meta) {
        List<String> changed = changedSince(config, checkpoint, meta);
        if (!changed.isEmpty()) {
            throw new UserError("Cannot resume '" + config.name() + "' from " + checkpoint + ": the config differs from "
                    + "the one it was trained with (" + String.join("; ", changed) + "). Only " + String.join(", ",
                    MAY_CHANGE_ON_RESUME) + " may change between a run and its resume. Resume with the recorded config "
                    + "(" + recordedConfig(checkpoint) + "), or start from scratch without resume (the earlier run is "
                    + "moved aside), or give this run another name.");
        }
    }

    /** Where the user finds the config a checkpoint was trained with: the run's copy, or the checkpoint itself. */
    private String recordedConfig(Path checkpoint) {
        return Files.isRegularFile(folder.resolvedConfig()) ? folder.resolvedConfig().toString()
                : "the run's copy is gone; the checkpoint holds it: unzip -p " + checkpoint + " "
                + ModelFiles.METADATA_ENTRY + ", under provenance.config";
    }

    /** How {@code config} differs from the one {@code checkpoint} was trained with, in keys a resume may not change. */
    private static List<String> changedSince(ExperimentConfig config, Path checkpoint, ModelMetadata meta) {
        if (meta.provenance().config() == null) { // a zip from elsewhere, or its metadata edited
            throw new UserError("Cannot resume '" + config.name() + "' from " + checkpoint + ": its metadata ("
                    + ModelFiles.METADATA_ENTRY + ") records no config, so whether this config matches the one it was "
                    + "trained with cannot be checked. Start from scratch without resume (the earlier run is moved "
                    + "aside), or give this run another name.");
        }
        ExperimentConfig recorded = ConfigLoader.parse(meta.provenance().config(), "the config recorded in " + checkpoint);
        return restartingChanges(recorded, config).stream().map(d -> d.key() + " was " + d.a() + ", now " + d.b()).toList();
    }

    /** How {@code config} differs from {@code recorded} in keys a resume may not change ({@link #MAY_CHANGE_ON_RESUME}). */
    static List<ConfigDiff.Difference> restartingChanges(ExperimentConfig recorded, ExperimentConfig config) {
        return ConfigDiff.between(recorded, config).stream().filter(d -> MAY_CHANGE_ON_RESUME.stream()
                .noneMatch(k -> d.key().equals(k) || d.key().startsWith(k + "."))).toList();
    }

    /** The tutorial's "NotFoundError … restart the kernel", explained: the config and the checkpoint disagree. */
    private void requireSameArchitecture(Path checkpoint, MultiLayerNetwork restored) {
        String expected = LayerSizes.of(conf);
        String actual = LayerSizes.of(restored.getLayerWiseConfigurations());
        if (!expected.equals(actual)) {
            throw new UserError("Checkpoint " + checkpoint + " holds a " + actual + " network, but config '" + config.name()
                    + "' describes " + expected + ": its weights cannot be loaded into this network. Resume with the "
                    + "config that wrote the checkpoint (its copy is " + folder.resolvedConfig() + ") or give this "
                    + "run another name / output.dir.");
        }
    }
}
