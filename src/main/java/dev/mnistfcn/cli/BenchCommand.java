package dev.mnistfcn.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mnistfcn.Json;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.Overrides;
import dev.mnistfcn.job.BenchJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Prints one {@code JSON {...}} line of {@link BenchJob} for {@code scripts/bench.py}. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time training epochs and inference for one config and batch size (see scripts/bench.py).")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Config (default two-layer.yaml).")
    String config = "two-layer.yaml";

    @Option(names = "--batch", paramLabel = "N", description = "Batch size (default: the config's).")
    Integer batch;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs to time (default 5).")
    int epochs = 5;

    @Option(names = "--engine", paramLabel = "ENGINE", description = "auto, dl4j or fused (default: the config's).")
    String engine;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data folder (default: the config's data.dir; for "
            + "MNIST $" + Overrides.DATA_DIR_ENV + " where set).")
    Path dataDir;

    @Override
    public Integer call() throws IOException {
        var result = new BenchJob(ConfigLoader.load(ConfigLoader.locate(config), overrides())).run();
        System.out.println("JSON " + Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(result));
        return 0;
    }

    /**
     * Only the options: the bench times what it is told, whatever -D the JVM was started with. Without --data-dir the
     * config keeps its own folder (a Fashion-MNIST config its own, not MNIST's).
     */
    Overrides overrides() {
        return Overrides.none().with("training.epochs", String.valueOf(epochs))
                .with("data.dir", dataDir == null ? null : dataDir.toString())
                .with("training.batch_size", batch == null ? null : String.valueOf(batch)).with("training.engine", engine);
    }
}
