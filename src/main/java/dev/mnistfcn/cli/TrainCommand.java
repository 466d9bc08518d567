package dev.mnistfcn.cli;

import dev.mnistfcn.Timeline;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ConfigException;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.config.Overrides;
import dev.mnistfcn.config.RunName;
import dev.mnistfcn.job.Resume;
import dev.mnistfcn.job.TrainingJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a config, evaluate it on the test set, save model.zip and the report.")
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options = new ConfigOptions("config");

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder of the config's dataset, MNIST or "
            + "Fashion-MNIST (overrides data.dir and $" + Overrides.DATA_DIR_ENV + ").")
    Path dataDir;

    @Option(names = "--quick", description = "Smoke run: 1 epoch on 5,000 training images, saved as the run "
            + "NAME-quick (also -Dquick=true).")
    boolean quick;

    /** What {@code --quick} sets: one epoch on the first 5,000 training images. */
    static final Overrides QUICK = Overrides.none().with("training.epochs", "1").with("data.train_limit", "5000");
    /**
     * Added to a smoke run's name, unless the user names the run: under the config's own name it would move the
     * real run's model into {@code .previous/}, and a second smoke run would delete it.
     */
    static final String QUICK_SUFFIX = "-quick";

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
    public Integer call() throws Exception {
        Resume mode = Resume.parse(resume, "--resume / -Dresume"); // before anything is touched
        boolean showTimeline = CliProperties.flag("verbose") || verbose; // the property is checked even with --verbose
        ExperimentConfig cfg = config();
        Timeline.process().mark("config");
        TrainingJob job = new TrainingJob(cfg, System.out, !noProgress, testEachEpoch);
        // Ctrl+C (or a SIGTERM) ends the JVM mid-epoch; the run's files are safe, and this says how to go on. On a
        // new line: a progress bar may have the terminal's current one.
        Thread stopped = new Thread(() -> stoppedNote(cfg, job.trained())
                .ifPresent(note -> System.err.println((noProgress ? "" : "\n") + note)), "train-stopped");
        WhileRunning.withShutdownHook(stopped, () -> job.run(mode));
        if (showTimeline) System.out.print(job.timeline().mark("done").describe());
        return 0;
    }

    /**
     * What a run stopped while it trained leaves and how to go on: the epoch it was in (or that training had ended,
     * {@code trained}, and its test and files were left), and the checkpoint a rerun with {@code --resume=auto}
     * continues from (or that there is none). Empty where this process was not training the run (still reading
     * data, or already finished).
     */
    static Optional<String> stoppedNote(ExperimentConfig cfg, boolean trained) {
        return StoppedRun.of(cfg, trained).map(run -> run.where() + run.checkpointNamed()
                .map(c -> "The same command with --resume=auto (-Dresume=auto with mvn exec:java) "
                        + (run.ended() ? "finishes it from " : "continues from ") + c + ".")
                .orElse("It has no checkpoint to continue from (checkpoint.every: " + cfg.checkpoint().every()
                        + "), so a rerun starts afresh."));
    }

    /** The config with {@link #overrides()}; a smoke run named {@code NAME-quick} unless a name is given. */
    ExperimentConfig config() {
        Path file = options.file();
        Overrides overrides = overrides();
        ExperimentConfig cfg;
        try {
            cfg = ConfigLoader.load(file, overrides);
        } catch (ConfigException e) {
            // A key the user never wrote: "'data.train_limit' has value '5000'" beside a large data.validation_size
            boolean ours = smoke() && !options.overrides(Overrides.none()).asMap().containsKey("data.train_limit");
            if (!ours || !e.getMessage().contains("'data.train_limit'")) throw e;
            throw new UserError(e.getMessage() + " --quick sets data.train_limit to 5000: give it one within that "
                    + "range (--set data.train_limit=N).");
        }
        if (!smoke() || overrides.asMap().containsKey("name")) return cfg;
        String name = cfg.name() + QUICK_SUFFIX;
        if (!RunName.isValid(name)) {
            throw new UserError(file + ": --quick saves the smoke run as '" + name + "', which is not a run name: "
                    + RunName.RULE + ". Name it with --set name=... (or -Dname=...).");
        }
        return cfg.withName(name);
    }

    private boolean smoke() {
        return CliProperties.flag("quick") || quick; // the property is checked even with --quick
    }

    /** {@code --quick}, then -D, then {@code --set}, then {@code --data-dir} and {@code --engine}. */
    Overrides overrides() {
        Overrides presets = smoke() ? QUICK : Overrides.none();
        return options.overrides(presets).with("data.dir", dataDir == null ? null : dataDir.toString())
                .with("training.engine", engine);
    }
}
