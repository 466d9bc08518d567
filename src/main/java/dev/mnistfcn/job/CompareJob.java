package dev.mnistfcn.job;

import dev.mnistfcn.Folders;
import dev.mnistfcn.UserError;
import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.config.RunName;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.engine.Engine;
import dev.mnistfcn.engine.Predictor;
import dev.mnistfcn.eval.Mistakes;
import dev.mnistfcn.eval.Stats;
import dev.mnistfcn.network.LayerSizes;
import dev.mnistfcn.network.NetworkFactory;
import dev.mnistfcn.report.ComparisonTable;
import dev.mnistfcn.report.ConfigResult;
import dev.mnistfcn.report.Eta;
import dev.mnistfcn.report.HtmlReport;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.storage.AtomicFiles;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.RunFolder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Trains each config for each seed (seed, seed+1, …) as run {@code <name>-seed<seed>}, or reuses a
 * finished run whose resolved config matches exactly, then writes the comparison table and the
 * HTML/Markdown report.
 */
public final class CompareJob {
    private static final int INFERENCE_REPEATS = 5;

    /** What a comparison did: its results, and which runs were trained vs reused. */
    public record Outcome(List<ConfigResult> results, List<String> trained, List<String> reused, Path html,
                          Path markdown) {
    }

    /**
     * The run a comparison is training now, after {@code finishedBefore} of its runs were finished: what Ctrl+C
     * reports (the count taken with it, as {@link #finished()} moves on while the JVM stops).
     */
    public record Training(ExperimentConfig cfg, TrainingJob job, int finishedBefore) {
    }

    private final PrintStream out;
    private final boolean progress;
    private volatile Training training; // null while no run trains
    private volatile int runs;          // the comparison's runs, once its configs are checked
    private volatile int finished;      // of them, trained or reused

    public CompareJob(PrintStream out, boolean progress) {
        this.out = out;
        this.progress = progress;
    }

    public Outcome run(List<Path> configFiles, Map<String, String> overrides, int seeds, Path reportDir) {
        return run(configFiles, overrides, List.of(), seeds, reportDir);
    }

    /** The run being trained now, if any. */
    public Optional<Training> training() {
        return Optional.ofNullable(training);
    }

    /** The comparison's runs (0 until its configs are checked) and how many of them are finished. */
    public int runs() {
        return runs;
    }

    public int finished() {
        return finished;
    }

    /**
     * As above; with {@code engines} (e.g. dl4j, fused) each config is trained by each engine in turn, as
     * {@code <name>-<engine>}, so that the two stand side by side: accuracy within seed noise, and the speed ratio.
     */
    public Outcome run(List<Path> configFiles, Map<String, String> overrides, List<String> engines, int seeds,
                       Path reportDir) {
        Folders.refuseNonFolder(reportDir, "The report folder (--out)");
        Optional<Path> run = RunFolder.enclosingRun(reportDir);
        refuseARunsFolder(reportDir, run, "");
        if (run.isPresent()) {
            throw new UserError("The report folder " + reportDir + " is " + RunFolder.insideItsMovedPart(run.get())
                    + ": the report would go with it. Give another --out (default: models/compare).");
        }
        for (int i = 0; i < engines.size(); i++) {
            if (engines.indexOf(engines.get(i)) != i) {
                throw new UserError("--engines (-Dengines) lists " + engines.get(i) + " twice: compare would train the "
                        + "same runs in two rows. Give each engine once, e.g. --engines dl4j,fused.");
            }
        }
        if (engines.size() > 1 && engines.contains("auto")) { // auto is fused (or dl4j): a row trained twice
            throw new UserError("--engines (-Dengines) lists auto beside another engine: auto is the fused engine where "
                    + "it covers the network, else dl4j, so compare would train the same runs in two rows. Name the "
                    + "engines themselves, e.g. --engines dl4j,fused.");
        }
        List<ExperimentConfig> bases = new ArrayList<>();
        Map<String, Path> fileOfName = new LinkedHashMap<>();
        for (Path f : configFiles) {
            List<ExperimentConfig> ofFile = new ArrayList<>();
            if (engines.isEmpty()) ofFile.add(ConfigLoader.load(f, overrides));
            for (String engine : engines) {
                Map<String, String> withEngine = new LinkedHashMap<>(overrides);
                withEngine.put("training.engine", engine);
                ExperimentConfig c = ConfigLoader.load(f, withEngine);
                ofFile.add(c.withName(c.name() + "-" + engine));
            }
            for (ExperimentConfig c : ofFile) refuseASecond(c.name(), f, fileOfName.putIfAbsent(c.name(), f));
            bases.addAll(ofFile);
        }
        refuseBeforeTraining(bases, seeds, reportDir);
        try { // a read-only --out was found only after every run had trained (a review)
            AtomicFiles.requireWritable(reportDir);
        } catch (IOException e) {
            throw new UserError("Cannot write the comparison's report to " + reportDir + " (" + UserError.reason(e)
                    + "). Give another --out, one that can be written; nothing was trained.", e);
        }
        int total = bases.size() * seeds;
        runs = total;
        List<String> trained = new ArrayList<>(), reused = new ArrayList<>();
        List<ConfigResult> results = new ArrayList<>();
        long started = System.nanoTime();
        Map<Dataset, DataSet> tests = new EnumMap<>(Dataset.class);
        int done = 0;
        for (int c = 0; c < bases.size(); c++) {
            ExperimentConfig base = bases.get(c);
            List<RunMetrics> runs = new ArrayList<>();
            RunFolder first = null;
            for (int s = 0; s < seeds; s++) {
                long seed = base.seed() + s;
                ExperimentConfig cfg = seeded(base, seed);
                RunFolder folder = RunFolder.of(cfg);
                if (first == null) first = folder;
                TrainingJob job = new TrainingJob(cfg, out, progress);
                Optional<RunMetrics> existing = job.finishedOutputs();
                String eta = Eta.of(started, trained.size(), total - done);
                out.printf(Locale.ROOT, "== compare: config %d of %d (%s), seed %d of %d — run %d of %d, ETA %s%n", c + 1, bases.size(),
                        base.name(), s + 1, seeds, done + 1, total, existing.isPresent() ? "(reused)" : eta);
                if (existing.isPresent()) {
                    out.println("   reusing " + folder.dir() + " (same resolved config and seed, already trained)");
                    runs.add(existing.get());
                    reused.add(cfg.name());
                } else {
                    // A run a killed compare left half-way continues from its checkpoint; one of another config
                    // starts afresh (the earlier files moved aside).
                    training = new Training(cfg, job, done);
                    try {
                        runs.add(job.run(job.canResume() ? Resume.TRUE : Resume.FALSE, true)); // finished meanwhile: kept
                    } catch (UserError e) { // "Training diverged …" said which epoch, not which of the runs (a review)
                        throw new UserError("compare: run '" + cfg.name() + "' (config " + base.name() + ", seed " + seed
                                + ") failed, so the comparison stops; the runs finished before it are kept and reused "
                                + "by the next compare. " + e.getMessage(), e);
                    } finally {
                        training = null;
                    }
                    trained.add(cfg.name());
                }
                finished = ++done;
            }
            // Each config is tested on its own dataset: a comparison may hold MNIST and Fashion-MNIST configs.
            DataSet test = tests.computeIfAbsent(Dataset.of(base.data()), d -> MnistSplits.loadTest(d, Path.of(base.data().dir())));
            MultiLayerNetwork net = ModelFiles.load(first.model(), false).network();
            // The engine that trained the runs predicts too (decided once, as for training).
            Predictor predictor = Engine.choose(base.training().engine(), net.getLayerWiseConfigurations(),
                    Engine.Use.INFERENCE, "config '" + base.name() + "'", "training.engine").engine().predictor(net);
            results.add(new ConfigResult(base.name(), LayerSizes.of(net.getLayerWiseConfigurations()),
                    base.model().hidden().size(), net.numParams(), base.training().epochs(), runs,
                    inferenceMillis(predictor, test), size(first.model()),
                    Mistakes.mostConfident(predictor, test, RunOutputs.GALLERY)));
        }
        String title = "mnist-fcn: " + String.join(" vs ", bases.stream().map(ExperimentConfig::name).toList())
                + " (" + seeds + (seeds == 1 ? " seed)" : " seeds)");
        Path html = reportDir.resolve(RunFolder.HTML_REPORT), md = reportDir.resolve(RunFolder.MARKDOWN_REPORT);
        // Again: a run given --out's name while this compare trained took the folder, and the comparison's report
        // became that run's "earlier run", moved aside and then deleted (a review)
        refuseARunsFolder(reportDir, RunFolder.enclosingRun(reportDir), " The runs are trained: a rerun with another "
                + "--out only writes the report.");
        try {
            AtomicFiles.writeString(html, HtmlReport.render(title, results, true));
            AtomicFiles.writeString(md, HtmlReport.markdown(title, results, true));
        } catch (IOException e) {
            throw new UserError("Cannot write the comparison's report to " + reportDir + " (" + UserError.reason(e)
                    + "). Check that the folder can be written and has free space; the runs "
                    + "are trained, so a rerun with another --out only writes the report.", e);
        }
        out.println();
        out.print(ComparisonTable.markdown(results));
        out.println();
        ComparisonTable.pairSentences(results).forEach(s -> out.println("- " + s));
        out.printf(Locale.ROOT, "%nTrained %d run(s), reused %d. Report: %s (and %s)%n", trained.size(), reused.size(), html, md);
        return new Outcome(results, trained, reused, html, md);
    }

    private static void refuseARunsFolder(Path reportDir, Optional<Path> run, String more) {
        if (RunFolder.holdsARun(reportDir) || run.filter(Folders.real(reportDir)::equals).isPresent()) {
            throw new UserError("The report folder " + reportDir + " is a run's or sweep's folder: the comparison's "
                    + "report.html and report.md would replace its own. Give another --out (default: models/compare)."
                    + more);
        }
    }

    /**
     * What would stop the comparison part-way, found before the first run trains: a run name the seed makes too long,
     * an engine that cannot train a config (found at its first run, after the runs before it had trained), and a
     * report folder that is, or is inside, one of the comparison's own run folders (its report would replace the run's).
     */
    private static void refuseBeforeTraining(List<ExperimentConfig> bases, int seeds, Path reportDir) {
        Path report = reportDir.toAbsolutePath().normalize();
        for (ExperimentConfig base : bases) {
            Engine.forTraining(base, NetworkFactory.configuration(base), "config '" + base.name() + "'");
            if (base.seed() > Long.MAX_VALUE - (seeds - 1)) { // seed + 1 wrapped to the most negative seed, unsaid
                throw new UserError("Config '" + base.name() + "' has seed " + base.seed() + ": its " + seeds + " runs "
                        + "(seed, seed + 1, …) would pass the largest seed, " + Long.MAX_VALUE + ". Give a smaller seed "
                        + "(--set seed=…) or fewer --seeds.");
            }
            for (int s = 0; s < seeds; s++) {
                ExperimentConfig run = seeded(base, base.seed() + s);
                if (!RunName.isValid(run.name())) {
                    throw new UserError("Compare would name a run '" + run.name() + "', which is not a run name: "
                            + RunName.RULE + ". Give the config a shorter name (--set name=…).");
                }
                Path dir = RunFolder.of(run).dir().toAbsolutePath().normalize();
                if (report.startsWith(dir)) {
                    throw new UserError("The report folder " + reportDir + " is " + (report.equals(dir)
                            ? "the folder of the comparison's own run " + run.name() + ": the report would replace that "
                            + "run's." : "inside the folder of the comparison's own run " + run.name() + ", which a fresh "
                            + "start of that run moves aside with everything in it.")
                            + " Give another --out (default: models/compare).");
                }
            }
        }
    }

    /** Seed {@code seed}'s run of {@code base}: its folder is named for the seed. */
    private static ExperimentConfig seeded(ExperimentConfig base, long seed) {
        return base.withSeed(seed).withName(base.name() + "-seed" + seed);
    }

    /**
     * A name labels a config's row and names its runs' folders ({@code <name>-seed<seed>}): two configs of one name
     * would share those folders, the second moving the first's runs aside, under two rows no reader could tell apart.
     */
    private static void refuseASecond(String name, Path file, Path earlier) {
        if (earlier == null) return;
        if (earlier.equals(file)) {
            throw new UserError("Config " + file + " is given twice: compare would show the same runs in two rows. Give "
                    + "each config once (--seeds N trains more runs of one config).");
        }
        throw new UserError("Configs " + earlier + " and " + file + " are both named '" + name + "': compare names each "
                + "config's row and its runs' folders (" + name + "-seed<seed>) by the config's name, so the second "
                + "would replace the first's runs. Give each config a name of its own (its name: key; --set name=… "
                + "names every config alike).");
    }

    /** Median wall time of one forward pass over all 10,000 test images in a single batch. */
    static double inferenceMillis(Predictor predictor, DataSet test) {
        return Stats.medianMillis(() -> predictor.probabilities(test.getFeatures()), INFERENCE_REPEATS);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }
}
