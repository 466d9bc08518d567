package dev.mnistfcn.cli;

import dev.mnistfcn.Timeline;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.config.Overrides;
import dev.mnistfcn.job.Resume;
import dev.mnistfcn.job.TrainingJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a config, evaluate it on the test set, save model.zip and the report.")
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options = new ConfigOptions("config");

    @Option(names = "--data-dir", paramLabel = "DIR", description = "MNIST folder (overrides data.dir and $"
            + Overrides.DATA_DIR_ENV + ").")
    Path dataDir;

    @Option(names = "--quick", description = "Smoke run: 1 epoch on 5,000 training images (also -Dquick=true).")
    boolean quick;

    /** What {@code --quick} sets: one epoch on the first 5,000 training images. */
    static final Overrides QUICK = Overrides.none().with("training.epochs", "1").with("data.train_limit", "5000");

    @Option(names = "--resume", arity = "0..1", fallbackValue = "true", paramLabel = "MODE", description = "true "
            + "(alone: --resume): continue from the run's latest checkpoint; auto: continue if there is one, else start "
            + "(what to rerun after a kill); false (default). Also -Dresume=MODE.")
    String resume = System.getProperty("resume", "false");

    @Option(names = "--engine", paramLabel = "ENGINE", description = "auto, dl4j or fused (overrides training.engine; "
            + "also -Dtraining.engine=...).")
    String engine;

    @Option(names = "--test-each-epoch", description = "Also write the test accuracy after every epoch to "
            + "test-by-epoch.csv, for reporting how soon a run passed a mark; nothing in training reads it.")
    boolean testEachEpoch;

    @Option(names = "--no-progress", description = "No within-epoch progress output.")
    boolean noProgress;

    @Option(names = "--verbose", description = "At the end, when each phase ended, in seconds since the command "
            + "started (Maven, JVM starts, network, data, epochs, test, files); also -Dverbose=true. metrics.json has "
            + "them as timings.at_*.")
    boolean verbose;

    @Override
    public Integer call() {
        Resume mode = Resume.parse(resume, "--resume / -Dresume"); // before anything is touched
        Path file = options.file();
        ExperimentConfig cfg = ConfigLoader.load(file, overrides());
        Timeline.process().mark("config");
        TrainingJob job = new TrainingJob(cfg, System.out, !noProgress, testEachEpoch);
        job.run(mode);
        if (verbose || CliProperties.flag("verbose")) System.out.print(job.timeline().mark("done").describe());
        return 0;
    }

    /** {@code --quick}, then -D, then {@code --set}, then {@code --data-dir} and {@code --engine}. */
    Overrides overrides() {
        boolean smoke = CliProperties.flag("quick") || quick; // the property is checked even with --quick
        Overrides presets = smoke ? QUICK : Overrides.none();
        return options.overrides(presets).with("data.dir", dataDir == null ? null : dataDir.toString())
                .with("training.engine", engine);
    }
}
