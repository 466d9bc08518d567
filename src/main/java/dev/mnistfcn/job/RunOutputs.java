package dev.mnistfcn.job;

import dev.mnistfcn.Folders;
import dev.mnistfcn.Timeline;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.DatasetName;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.eval.EvalResult;
import dev.mnistfcn.eval.Mistakes;
import dev.mnistfcn.network.LayerSizes;
import dev.mnistfcn.report.ConfigResult;
import dev.mnistfcn.report.HtmlReport;
import dev.mnistfcn.report.MarkdownReport;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.report.TestMetrics;
import dev.mnistfcn.storage.AtomicFiles;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.ModelMetadata;
import dev.mnistfcn.storage.NotADigitCheck;
import dev.mnistfcn.storage.RunFolder;
import dev.mnistfcn.train.EarlyStoppingOutcome;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a run's files, each complete or absent: {@code config.resolved.yaml} before training, and after it the
 * model, both reports and {@code metrics.json} (last: a run counts as finished once it is there, {@link #finished}).
 */
final class RunOutputs {
    /** Misclassified digits shown in the HTML report. */
    static final int GALLERY = 32;

    /**
     * What training and the test produced: the network kept (the last, or early stopping's best) and its test;
     * {@code loadSeconds} from the start to the data in memory, {@code started} the run's System.nanoTime.
     */
    record Finished(MultiLayerNetwork kept, EvalResult test, DataSet testSet,
                    List<EpochStats> history, EarlyStoppingOutcome stopped, double loadSeconds, long started) {
        /** metrics.json's {@code timings}, {@code total_seconds} to come once the model is saved. */
        Map<String, Double> timings() {
            Map<String, Double> timings = new LinkedHashMap<>();
            timings.put("data_load_seconds", loadSeconds);
            timings.put("train_seconds", history.stream().mapToDouble(EpochStats::trainSeconds).sum());
            timings.put("validation_seconds", history.stream().mapToDouble(EpochStats::validationSeconds).sum());
            timings.put("test_seconds", test.seconds());
            return timings;
        }
    }

    private final ExperimentConfig config;
    private final RunFolder folder;
    private final PrintStream out;

    RunOutputs(ExperimentConfig config, RunFolder folder, PrintStream out) {
        this.config = config;
        this.folder = folder;
        this.out = out;
    }

    /** Whether the folder holds a finished run's record (metrics.json, written last), of whatever config. */
    boolean finishedOnDisk() {
        return Files.isRegularFile(folder.metrics());
    }

    /** Written first: a run can be repeated exactly from this file even if it is interrupted. */
    void writeResolvedConfig() {
        try {
            AtomicFiles.writeString(folder.resolvedConfig(), ConfigLoader.toYaml(config));
        } catch (IOException e) {
            throw Folders.cannotWrite("config.resolved.yaml", folder.dir(), e);
        }
    }

    /**
     * The run's metrics if its folder holds every output of this config (model, both reports, metrics written last;
     * the config the same but for where and how often to save and where MNIST lives, checksummed), so that rerunning
     * it would only repeat it. A finished run asked for again with another checkpoint.keep, or data.dir spelt another
     * way, was "finished" again from its last checkpoint, its model.zip rewritten.
     */
    Optional<RunMetrics> finished() {
        for (Path p : List.of(folder.model(), folder.markdownReport(), folder.htmlReport(), folder.metrics())) {
            if (!Files.isRegularFile(p)) return Optional.empty();
        }
        try {
            RunMetrics m = RunMetrics.read(folder.metrics());
            // A run that stopped early at epoch k, or would with these epochs, trains the same with any limit from k
            // on: more epochs were "resumed", trained nothing, and rewrote model.zip from the last checkpoint (reviews).
            int epochs = config.training().epochs();
            EarlyStoppingOutcome stops = m.earlyStoppingWithin(config.training().earlyStopping(), epochs);
            boolean stopsThereAgain = stops != null && stops.stoppedEarly() && epochs >= m.history().size();
            boolean same = RunStart.restartingChanges(m.config(), config).isEmpty()
                    && (m.config().training().epochs().equals(config.training().epochs()) || stopsThereAgain);
            return same && m.complete() ? Optional.of(m) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // unreadable: produce it again rather than trust it
        }
    }

    /**
     * Saves the kept network with {@code metadata}, then the reports and metrics.json (with the very provenance
     * in the zip), and prints the report; {@code timeline}'s marks go into the timings as {@code at_<phase>}.
     */
    RunMetrics write(Finished f, ModelMetadata metadata, Timeline timeline) {
        String arch = LayerSizes.of(f.kept().getLayerWiseConfigurations());
        try {
            Optional<ModelFiles.Loaded> earlier = earlierModel();
            Optional<NotADigitCheck> check = earlier.flatMap(this::checkToKeep);
            // What export wrote of the replaced model.zip evaluated as its network, unsaid; only where that network
            // differs (a finish from the last checkpoint writes the same one). Removed before the new zip is saved:
            // a kill in between left the old export for good, the finish after it writing the same network (a review).
            List<String> stale = earlier.isPresent() && !earlier.get().network().params().equals(f.kept().params())
                    ? folder.removeExports() : List.of();
            // metrics.json is written last again: a kill from here leaves the run unfinished, not "finished" beside a
            // model.zip of another epoch (a review); and the config that made the new outputs goes with them
            folder.unfinish();
            writeResolvedConfig();
            ModelFiles.save(f.kept(), folder.model(), true, metadata, check.orElse(null));
            Map<String, Double> timings = f.timings();
            timings.put("total_seconds", (System.nanoTime() - f.started()) / 1e9);
            timeline.mark("model_saved");
            RunMetrics metrics = RunMetrics.of(metadata.provenance(), arch, f.kept().numParams(), config, f.history(),
                    TestMetrics.of(f.test()), timings, f.stopped());
            var single = new ConfigResult(config.name(), arch, config.model().hidden().size(), f.kept().numParams(),
                    f.history().size(), List.of(metrics), Double.NaN, Files.size(folder.model()),
                    Mistakes.mostConfident(f.test().probabilities(), f.testSet(), GALLERY));
            AtomicFiles.writeString(folder.markdownReport(), MarkdownReport.render(metrics));
            AtomicFiles.writeString(folder.htmlReport(), HtmlReport.render(config.name() + ": training report",
                    List.of(single), false));
            // metrics holds this map: the timeline so far goes into metrics.json as at_<phase>, seconds since the
            // command started (Timeline).
            timeline.mark("reports").marks().forEach((phase, at) -> timings.put("at_" + phase, at));
            AtomicFiles.writeString(folder.metrics(), metrics.toJson());
            out.println();
            out.print(MarkdownReport.body(metrics));
            out.printf(Locale.ROOT, "%nWrote %s, %s, %s, %s and %s in %s (%.1f s in all).%n", name(folder.model()),
                    name(folder.markdownReport()), name(folder.htmlReport()), name(folder.metrics()),
                    name(folder.resolvedConfig()), folder.dir(), timings.get("total_seconds"));
            if (check.isPresent()) out.println("model.zip keeps the not-a-digit check of the one it replaced (the check "
                    + "reads the picture alone, not the network).");
            if (!stale.isEmpty()) out.println("Removed " + String.join(", ", stale) + ": exported from the model.zip this "
                    + "run replaced (export the new one again).");
            return metrics;
        } catch (IOException e) {
            // The checkpoints already on disk stay: a rerun with -Dresume=auto finishes from the last one.
            throw Folders.cannotWrite("the model and reports", folder.dir(), e);
        }
    }

    /** The model.zip this run wrote before, if any and readable: a run trained on from its last checkpoint rewrites it. */
    private Optional<ModelFiles.Loaded> earlierModel() {
        if (!Files.isRegularFile(folder.model())) return Optional.empty();
        try {
            return Optional.of(ModelFiles.load(folder.model(), false));
        } catch (UserError unreadable) {
            return Optional.empty(); // replaced by the new model either way
        }
    }

    /**
     * The earlier model.zip's not-a-digit check, kept in the new one: the check reads the picture alone, not the
     * network, so it holds for the new one too. Rewriting the zip without it dropped what {@code calibrate} had spent
     * minutes on. Only for the same dataset.
     */
    private Optional<NotADigitCheck> checkToKeep(ModelFiles.Loaded earlier) {
        if (earlier.damagedCheck().isPresent()) {
            out.println("The model.zip this run replaces had a damaged not-a-digit check; the new one has none "
                    + "(calibrate it to give it one).");
        }
        return earlier.dataset().orElse(DatasetName.MNIST.id()).equals(config.data().dataset())
                ? earlier.notADigit() : Optional.empty();
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }
}
