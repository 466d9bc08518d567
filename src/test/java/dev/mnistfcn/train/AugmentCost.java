package dev.mnistfcn.train;

import dev.mnistfcn.cli.NativeSettings;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.data.AugmentedEpochs;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.engine.Engine;
import dev.mnistfcn.engine.ForwardingStep;
import dev.mnistfcn.engine.TrainingStep;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.eval.Stats;
import dev.mnistfcn.network.NetworkFactory;

import org.nd4j.linalg.dataset.DataSet;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A measurement, not a test: what {@code data.augment} costs an epoch of a config (default config/best-mlp.yaml), in
 * wall-clock training seconds and in CPU seconds of the whole process, which other load on the machine changes far
 * less than wall-clock time (though spinning helper threads keep it near two cores' worth either way). Rounds
 * alternate blocks of plain epochs, epochs on one set of distorted images made before the rounds (what the denser
 * digits alone cost), the same with the spare core taken and left idle for as long as the producer holds it (what
 * training on one core for that long costs) and augmented epochs (fused engine, the same network trained on), so
 * that drifting load hits all.
 *
 * <p>It runs with the native settings a {@code train} command's JVM has ({@code NativeSettings.environment()}: one
 * OpenMP thread that sleeps when idle, OpenBLAS's SkylakeX kernels on AVX-512) and refuses to run without them: in a
 * plain JVM two spinning OpenMP workers take the cores from the training step's threads, which made both kinds of
 * epoch slower and the difference between them mostly noise.
 *
 * <pre>
 *   mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test
 *   OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE OPENBLAS_CORETYPE=SkylakeX OPENBLAS_THREAD_TIMEOUT=12 java -Xmx1g \
 *       --add-modules jdk.incubator.vector \
 *       -cp target/classes:target/test-classes:$(cat cp.txt) dev.mnistfcn.train.AugmentCost [CONFIG] [ROUNDS] [TRAIN_LIMIT]
 * </pre>
 * (without AVX-512, leave {@code OPENBLAS_CORETYPE} out; {@code OPENBLAS_THREAD_TIMEOUT} as the train command's child
 * JVM has it, {@code NativeSettings.childEnvironment}).
 */
public final class AugmentCost {
    public static void main(String[] args) {
        Map<String, String> missing = NativeSettings.environment();
        if (!missing.isEmpty()) {
            System.err.println("AugmentCost measures with the native settings a train command runs with; set " + missing
                    + " in the environment first (see the class comment)");
            System.exit(2);
        }
        Path file = Path.of(args.length > 0 ? args[0] : "config/best-mlp.yaml");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String limit = args.length > 2 ? args[2] : "0";
        ExperimentConfig cfg = ConfigLoader.load(file, Map.of("data.train_limit", limit));
        MnistSplits data = MnistSplits.load(cfg.data(), Path.of(cfg.data().dir()));
        var net = NetworkFactory.build(cfg);
        var fused = Engine.FUSED.trainingStep(net);
        AtomicLong lastHold = new AtomicLong();       // how long the last epoch's images held the spare core, ns
        List<Double> steadyHolds = new ArrayList<>(); // of those, the ones made while a middle epoch trained, s
        TrainingStep step = new ForwardingStep(fused) { // the fused step, timing onSpareCore
            @Override
            public void onSpareCore(Runnable work) {
                long start = System.nanoTime();
                super.onSpareCore(work);
                lastHold.set(System.nanoTime() - start);
            }
        };
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        // The made-ahead blocks train on one set of distorted images made before the rounds, as plain data: what the
        // denser distorted digits alone cost (25% of pixels non-zero against 19%), without making any.
        DataSet madeAhead;
        try (var once = new AugmentedEpochs(data.train(), cfg.data().augment(), cfg.seed(), 1)) {
            madeAhead = once.epoch(1).copy();
        }
        String[] kinds = {"plain", "made ahead", "one core", "augmented"};
        List<List<double[]>> rows = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        int done = 0;
        for (int r = 0; r <= rounds; r++) { // round 0 warms up the JIT, unreported
            for (int kind = 0; kind < kinds.length; kind++) {
                // Three epochs per block; the middle one is the steady state: its images were made while the first
                // trained, and the third's are made while it trains.
                List<double[]> cpuAtEnd = new ArrayList<>();
                TrainingListener clock = new TrainingListener() {
                    @Override
                    public void epochDone(EpochStats stats, List<EpochStats> history) {
                        cpuAtEnd.add(new double[]{os.getProcessCpuTime() / 1e9, stats.trainSeconds()});
                    }
                };
                // "one core": the made-ahead digits, with the spare core taken, and left idle, from each epoch's
                // first batch for as long as the producer held it while a middle epoch trained (median so far): what
                // training on one core for that long costs, without the producer's own work beside it.
                double hold = steadyHolds.isEmpty() ? 0 : Stats.median(seconds(steadyHolds));
                TrainingListener holder = new TrainingListener() {
                    @Override
                    public void batchDone(int epoch, int batch, int batches, double meanLoss, double seconds) {
                        if (batch == 1 && hold > 0) holdSpareCore(fused, hold);
                    }
                };
                var plan = new EpochPlan(kind == 1 || kind == 2 ? madeAhead : data.train(), data.validation(),
                        cfg.training().batchSize(), cfg.seed(), done + 3, padding(done),
                        kind == 3 ? cfg.data().augment() : null);
                new Trainer(kind == 2 ? List.of(clock, holder) : List.of(clock)).train(step, plan);
                if (kind == 3) {
                    // The block's last epoch was made while its middle one trained, into a buffer used before: the
                    // steady state of a run (the first two epochs of a block also allocate and touch their buffers).
                    steadyHolds.add(lastHold.get() / 1e9);
                }
                done += 3;
                double[] row = {cpuAtEnd.get(1)[1], cpuAtEnd.get(1)[0] - cpuAtEnd.get(0)[0]};
                if (r > 0) rows.get(kind).add(row);
                System.out.printf(Locale.ROOT, "round %d %-10s middle epoch: train %.2f s wall, process CPU %.2f s "
                        + "(validation included), load average %.2f%n", r, kinds[kind], row[0], row[1],
                        os.getSystemLoadAverage());
            }
        }
        System.out.printf(Locale.ROOT, "while a middle epoch trained the producer held the spare core %.2f s "
                + "(median of %d)%n", Stats.median(seconds(steadyHolds)), steadyHolds.size());
        List<double[]> plain = rows.get(0);
        for (int kind = 1; kind < kinds.length; kind++) {
            List<double[]> other = rows.get(kind);
            System.out.printf(Locale.ROOT, "median wall: plain %.2f s, %s %.2f s (%+.0f%%); median CPU: plain %.2f s, "
                            + "%s %.2f s (%+.0f%%)%n", median(plain, 0), kinds[kind], median(other, 0),
                    100 * (median(other, 0) / median(plain, 0) - 1), median(plain, 1), kinds[kind], median(other, 1),
                    100 * (median(other, 1) / median(plain, 1) - 1));
            // Each round's blocks ran within a minute: their ratio feels a slow spell less than the medians above.
            double[] ratios = new double[plain.size()];
            StringBuilder each = new StringBuilder();
            for (int r = 0; r < ratios.length; r++) {
                ratios[r] = other.get(r)[0] / plain.get(r)[0];
                each.append(String.format(Locale.ROOT, " %+.0f%%", 100 * (ratios[r] - 1)));
            }
            System.out.printf(Locale.ROOT, "wall %s / plain per round:%s; median %+.0f%%%n", kinds[kind], each,
                    100 * (Stats.median(ratios) - 1));
        }
    }

    private static double[] seconds(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Takes the step's spare core on another thread and sleeps there for {@code seconds}. */
    private static void holdSpareCore(TrainingStep step, double seconds) {
        Thread idle = new Thread(() -> step.onSpareCore(() -> {
            try {
                Thread.sleep((long) (seconds * 1000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), "idle-spare-core");
        idle.setDaemon(true);
        idle.start();
    }

    /** Epochs "already done", so that the plan trains exactly epoch {@code done + 1} (its own order and distortions). */
    private static List<EpochStats> padding(int done) {
        List<EpochStats> d = new ArrayList<>();
        for (int e = 1; e <= done; e++) d.add(new EpochStats(e, 0, 0, 0, 0, 0, 0));
        return d;
    }

    private static double median(List<double[]> rows, int column) {
        return Stats.median(rows.stream().mapToDouble(r -> r[column]).toArray());
    }
}
