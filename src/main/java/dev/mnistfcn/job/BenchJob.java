package dev.mnistfcn.job;

import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.engine.Predictor;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.eval.Evaluator;
import dev.mnistfcn.eval.Stats;
import dev.mnistfcn.train.Trainer;
import dev.mnistfcn.train.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark case in this JVM: the training job's own start (network, engine, step; MNIST read beside it and the
 * JIT warm-up, as {@code train} starts) and loop for a few epochs, then inference timings; the figures {@code
 * scripts/bench.py} sets beside the peers'. Writes no files.
 */
public final class BenchJob {
    private final ExperimentConfig config;

    public BenchJob(ExperimentConfig config) {
        this.config = config;
    }

    /** The measurements, keyed as the peer's JSON line is. */
    public Map<String, Object> run() {
        var job = new TrainingJob(config, new PrintStream(new ByteArrayOutputStream()), false);
        var reading = job.readOnSpareCore();
        TrainingPlan start = job.start(Resume.FALSE);
        MnistSplits data = job.readyForEpoch1(start, reading); // as train: epoch 1 after the JIT warm-up
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        double[] firstBatchAt = {-1};
        TrainingListener firstBatch = new TrainingListener() {
            @Override
            public void batchDone(int epoch, int batch, int batches, double meanLoss, double seconds) {
                if (firstBatchAt[0] < 0) firstBatchAt[0] = (System.currentTimeMillis() - jvmStart) / 1e3;
            }
        };
        List<EpochStats> h = new Trainer(List.of(firstBatch)).train(start.step(), start.epochs(data));
        double[] epochSeconds = h.stream().mapToDouble(EpochStats::trainSeconds).toArray();
        Predictor predictor = start.step().predictor();
        INDArray x = data.test().getFeatures();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("system", "mnist-fcn");
        r.put("config", config.name());
        r.put("engine", start.engine().engine().id());
        r.put("batch_size", config.training().batchSize());
        r.put("examples_per_epoch", h.get(0).examples());
        r.put("epoch_s", epochSeconds);
        r.put("epoch_s_median", Stats.median(epochSeconds));
        r.put("test_acc", Evaluator.evaluate(predictor, data.test()).accuracy());
        // Class labels, as the peer's model(x).argmax(1). Ten untimed runs first: after three, the JIT was still
        // recompiling SparseForward (54, 71, 46, then 38 ms steady).
        double[] full = Stats.millis(() -> predictor.classify(x), 10, 5);
        // The batches of 50 are cut before the timing, and 30 untimed passes run first. ND4J's get(interval)
        // allocates a view with off-heap shape data each time: made inside the loop, it was compiled by C2
        // (BaseNDArray.get, 1,296 bytes) and collected by G1 (7-37 ms pauses) during the timed passes, which took
        // 21-80 ms each (PyTorch's slices are views too, but cost it microseconds). With the views made first and
        // 10 untimed passes: 17.5-34.7 ms (JIT still at work); with 30: 17.8-20.3 ms.
        List<INDArray> batches = new ArrayList<>();
        for (int i = 0; i < x.rows(); i += 50) batches.add(x.get(NDArrayIndex.interval(i, i + 50), NDArrayIndex.all()));
        double[] b50 = Stats.millis(() -> {
            for (INDArray batch : batches) predictor.classify(batch);
        }, 30, 5);
        r.put("infer_full_ms", Stats.median(full));
        r.put("infer_full_ms_all", full);
        r.put("infer_b50_ms", Stats.median(b50));
        r.put("infer_b50_ms_all", b50);
        r.put("start_to_first_batch_s", firstBatchAt[0]);
        r.put("peak_rss_mb", peakRssMb());
        return r;
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
