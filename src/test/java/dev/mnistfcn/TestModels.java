package dev.mnistfcn;

import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.DataSpec;
import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.notadigit.Calibration;
import dev.mnistfcn.storage.NotADigitEntry;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.job.TrainingJob;
import dev.mnistfcn.report.RunMetrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real two-layer.yaml model for the tests that predict pictures, trained once per test JVM: 2 epochs of the fused
 * engine on all 55,000 training images (about 96% on MNIST's test set; the full 20-epoch run reaches ~98%) in a temporary
 * folder removed at exit. A shortcut against shipping a trained zip in the repository.
 */
public final class TestModels {
    private static Path twoLayer;
    private static Path calibrated;
    private static double testAccuracy;

    private TestModels() {
    }

    /** The model.zip of the trained two-layer network. */
    public static synchronized Path twoLayer() {
        if (twoLayer == null) {
            try {
                Path out = Files.createTempDirectory("mnist-fcn-test-model");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(out)));
                ExperimentConfig cfg = ConfigLoader.load(Path.of("config/two-layer.yaml"), Map.of(
                        "training.epochs", "2", "data.dir", TestData.mnistDir().toString(),
                        "output.dir", out.toString(), "checkpoint.every", "0", "training.engine", "fused"));
                RunMetrics m = new TrainingJob(cfg, new PrintStream(new ByteArrayOutputStream()), false).run();
                testAccuracy = m.test().accuracy();
                twoLayer = out.resolve("two-layer/model.zip");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return twoLayer;
    }

    /**
     * A copy of {@link #twoLayer()} with its not-a-digit check ({@code calibrate}), made once per test JVM on less data
     * than {@code calibrate}'s (8,000 digits against 6,000 made negatives and Fashion-MNIST items, 2,000 validation
     * digits, a 64-unit detector trained 4 epochs): about a minute instead of several.
     */
    public static synchronized Path calibratedTwoLayer() {
        if (calibrated == null) {
            try {
                Path copy = twoLayer().resolveSibling("model-calibrated.zip");
                Files.copy(twoLayer(), copy);
                var mnist = MnistSplits.load(new DataSpec("mnist", TestData.mnistDir().toString(), 5000, 8000),
                        TestData.mnistDir());
                var fashion = MnistSplits.loadTest(Dataset.FASHION_MNIST, TestData.fashionDir());
                var result = Calibration.fit(mnist.train(), mnist.validation(),
                        Optional.of(fashion), new Calibration.Sizes(8000, 6000, 2000, 500, 64, 4, 1), 1);
                NotADigitEntry.write(copy, result.check());
                calibrated = copy;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return calibrated;
    }

    /** Its accuracy on MNIST's 10,000 test digits, as the training run measured it. */
    public static synchronized double twoLayerTestAccuracy() {
        twoLayer();
        return testAccuracy;
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder: the OS cleans it eventually
        }
    }
}
