package dev.mnistfcn.storage;

import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.eval.Stats;
import dev.mnistfcn.network.NetworkFactory;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A measurement, not a test: what one checkpoint costs the training thread, {@link ModelFiles#save} (the arrays
 * stored) against the way it was written before (DL4J's {@code ModelSerializer.writeModel}, deflated, then copied
 * into a second zip to add our entry: inflated and deflated again). Both atomic and forced to disk. Rounds alternate.
 *
 * <pre>
 *   mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test
 *   java -cp target/classes:target/test-classes:$(cat cp.txt) dev.mnistfcn.storage.SaveCost [CONFIG] [ROUNDS]
 * </pre>
 */
public final class SaveCost {
    public static void main(String[] args) throws IOException {
        Path config = Path.of(args.length > 0 ? args[0] : "config/two-layer.yaml");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        MultiLayerNetwork net = NetworkFactory.build(ConfigLoader.load(config, Map.of()));
        int in = (int) net.layerInputSize(0);
        net.fit(new DataSet(Nd4j.rand(new int[]{50, in}), Nd4j.eye(10).repeat(0, 5).reshape(50, 10))); // an updater state to save
        Path dir = Files.createTempDirectory("save-cost");
        double[] stored = new double[rounds];
        double[] twice = new double[rounds];
        for (int r = -3; r < rounds; r++) { // 3 unreported rounds warm up the JIT
            long t0 = System.nanoTime();
            ModelFiles.save(net, dir.resolve("stored.zip"), true, null);
            long t1 = System.nanoTime();
            deflatedTwice(net, dir.resolve("deflated.zip"));
            long t2 = System.nanoTime();
            if (r >= 0) {
                stored[r] = (t1 - t0) / 1e6;
                twice[r] = (t2 - t1) / 1e6;
            }
        }
        System.out.printf(Locale.ROOT, "%s, %d rounds, median (min-max) ms per save: stored %.1f (%.1f-%.1f), %d bytes; "
                        + "writeModel + copy %.1f (%.1f-%.1f), %d bytes%n", config, rounds, Stats.median(stored), min(stored),
                max(stored), Files.size(dir.resolve("stored.zip")), Stats.median(twice), min(twice), max(twice),
                Files.size(dir.resolve("deflated.zip")));
    }

    /** The save as it was before: DL4J's zip, then every entry copied into ours to add one. */
    private static void deflatedTwice(MultiLayerNetwork net, Path target) throws IOException {
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, model, true);
        AtomicFiles.writeAtomically(target, out -> {
            try (ZipInputStream from = new ZipInputStream(new ByteArrayInputStream(model.toByteArray()));
                 ZipOutputStream zip = new ZipOutputStream(out)) {
                for (ZipEntry e; (e = from.getNextEntry()) != null; ) {
                    zip.putNextEntry(new ZipEntry(e.getName()));
                    from.transferTo(zip);
                }
            }
        });
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }
}
