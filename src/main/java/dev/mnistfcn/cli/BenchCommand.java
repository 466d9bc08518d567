package dev.mnistfcn.cli;

import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.eval.Evaluator;
import dev.mnistfcn.model.NetworkFactory;
import dev.mnistfcn.Json;
import dev.mnistfcn.eval.Stats;
import dev.mnistfcn.train.EpochStats;
import dev.mnistfcn.train.Trainer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark case in this JVM: the normal training path (the same {@link Trainer} as {@code train})
 * for a few epochs, then inference timings; prints one {@code JSON {...}} line for
 * {@code scripts/bench.py}, which runs the cases and the PyTorch peer side by side.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time training epochs and inference for one config and batch size (see scripts/bench.py).")
public final class BenchCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = {"-c", "--config"}, description = "Config (default two-layer.yaml).")
    String config = "two-layer.yaml";

    @Option(names = "--batch", description = "Batch size (default: the config's).")
    Integer batch;

    @Option(names = "--epochs", description = "Epochs to time (default 5).")
    int epochs = 5;

    @Option(names = "--data-dir", description = "MNIST folder.")
    Path dataDir = CommandDefaults.fromEnvironment();

    @Override
    public Integer call() throws IOException {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("training.epochs", String.valueOf(epochs));
        o.put("data.dir", dataDir.toString());
        if (batch != null) o.put("training.batch_size", String.valueOf(batch));
        ExperimentConfig cfg = ConfigLoader.load(ConfigLoader.locate(config), o);
        MnistSplits data = MnistSplits.load(cfg.data(), dataDir);
        MultiLayerNetwork net = NetworkFactory.build(cfg);
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        double[] firstBatchAt = {-1};
        var quiet = new PrintStream(new ByteArrayOutputStream());
        List<EpochStats> h = new Trainer(quiet, false).train(net, data.train(), data.validation(),
                cfg.training().batchSize(), cfg.seed(), epochs, List.of(), () -> {
                    if (firstBatchAt[0] < 0) firstBatchAt[0] = (System.currentTimeMillis() - jvmStart) / 1e3;
                });
        double[] epochSeconds = h.stream().mapToDouble(EpochStats::trainSeconds).toArray();
        INDArray x = data.test().getFeatures();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("system", "mnist-fcn");
        r.put("config", cfg.name());
        r.put("batch_size", cfg.training().batchSize());
        r.put("examples_per_epoch", h.get(0).examples());
        r.put("epoch_s", epochSeconds);
        r.put("epoch_s_median", Stats.median(epochSeconds));
        r.put("test_acc", Evaluator.evaluate(net, data.test()).accuracy());
        // Class labels, as the peer's model(x).argmax(1); the forward pass evaluate and compare use. Ten untimed
        // runs first: after three, the JIT was still recompiling SparseForward (54, 71, 46, then 38 ms steady).
        var classify = Evaluator.classifier(net);
        double[] full = Stats.millis(() -> classify.apply(x), 10, 5);
        double[] b50 = Stats.millis(() -> {
            for (int i = 0; i < x.rows(); i += 50) {
                classify.apply(x.get(NDArrayIndex.interval(i, i + 50), NDArrayIndex.all()));
            }
        }, 10, 5);
        r.put("infer_full_ms", Stats.median(full));
        r.put("infer_full_ms_all", full);
        r.put("infer_b50_ms", Stats.median(b50));
        r.put("infer_b50_ms_all", b50);
        r.put("start_to_first_batch_s", firstBatchAt[0]);
        r.put("peak_rss_mb", peakRssMb());
        System.out.println("JSON " + Json.MAPPER.writer().without(
                com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
        return 0;
    }

    /** Peak resident set size of this process (VmHWM), in MB; -1 where /proc is missing. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        } catch (IOException | NumberFormatException ignored) {
        }
        return -1;
    }
}
