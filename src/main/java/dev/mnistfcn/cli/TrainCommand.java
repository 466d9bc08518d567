package dev.mnistfcn.cli;

import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.job.TrainingJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a config, evaluate it on the test set, save model.zip and the report.")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML config: a path, or a name in config/ (default: -Dconfig or two-layer.yaml).")
    String config = System.getProperty("config", "two-layer.yaml");

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key by its dotted path, e.g. --set training.epochs=2. Repeatable.")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--data-dir", paramLabel = "DIR", description = "MNIST folder (overrides data.dir and $"
            + ConfigLoader.DATA_DIR_ENV + ").")
    Path dataDir;

    @Option(names = "--quick", description = "Smoke run: 1 epoch on 5,000 training images (also -Dquick=true).")
    boolean quick;

    @Option(names = "--resume", arity = "0..1", fallbackValue = "true", paramLabel = "MODE", description = "true "
            + "(alone: --resume): continue from the run's latest checkpoint; auto: continue if there is one, else start "
            + "(what to rerun after a kill); false (default). Also -Dresume=MODE.")
    String resume = System.getProperty("resume", "false");

    @Option(names = "--engine", paramLabel = "ENGINE", description = "auto, dl4j or fused (overrides training.engine; "
            + "also -Dtraining.engine=...).")
    String engine;

    @Option(names = "--no-progress", description = "No within-epoch progress output.")
    boolean noProgress;

    @Override
    public Integer call() {
        TrainingJob.Resume mode = TrainingJob.Resume.parse(resume, "--resume / -Dresume"); // before anything is touched
        Path file = ConfigLoader.locate(config);
        Map<String, String> overrides = new LinkedHashMap<>();
        if (CliProperties.flag("quick") || quick) { // the property is checked even with --quick
            overrides.put("training.epochs", "1");
            overrides.put("data.train_limit", "5000");
        }
        overrides.putAll(ConfigLoader.overridesFromSystemProperties());
        overrides.putAll(set);
        if (dataDir != null) overrides.put("data.dir", dataDir.toString());
        if (engine != null) overrides.put("training.engine", engine);
        ExperimentConfig cfg = ConfigLoader.load(file, overrides);
        new TrainingJob(cfg, System.out, !noProgress).run(mode);
        return 0;
    }
}
