package dev.mnistfcn.storage;

import dev.mnistfcn.FuzzInputFile;
import dev.mnistfcn.ModelProvenance;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mnistfcn.UserError;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model zips from strangers through {@link ModelFiles#load}, as {@code -Dmodel=}, {@code evaluate} and
 * {@code serve} read them. For any bytes the only allowed failure is a {@link UserError} (one paragraph naming the
 * file); anything else (an OutOfMemoryError, ND4J's or Jackson's own exceptions) is a finding.
 */
class ModelZipFuzzTest {
    /** Where each input is written for {@code load}, which reads a file. */
    private static final FuzzInputFile INPUT = new FuzzInputFile("fuzz-model-", "input.zip");

    @AfterAll
    static void deleteInputFile() throws IOException {
        INPUT.delete();
    }

    @MethodSource("models")
    @FuzzTest(maxDuration = "30s")
    void load(byte[] bytes) throws IOException {
        Path file = INPUT.path();
        Files.write(file, bytes);
        ModelFiles.Loaded loaded;
        try {
            loaded = ModelFiles.load(file, true);
        } catch (UserError expected) {
            assertTrue(expected.getMessage().contains(file.toString()), expected.getMessage());
            return;
        }
        assertEquals(784, loaded.network().layerInputSize(0));
        assertEquals(10, loaded.network().layerSize(loaded.network().getnLayers() - 1));
    }

    /**
     * An entry name that is not UTF-8 in a local header only (the central directory's copy is fine): ZipFile lists
     * the zip, ZipInputStream then threw IllegalArgumentException ("malformed input"), a stack trace for the user.
     */
    @Test
    void entryNameThatIsNotUtf8IsRefused(@TempDir Path dir) throws IOException {
        byte[] content = models().findFirst().orElseThrow(); // a real model, so the checks before that pass
        content[30] = (byte) 0xff; // the first byte of the first local header's name
        Path file = Files.write(dir.resolve("bad-name.zip"), content);
        String message = assertThrows(UserError.class, () -> ModelFiles.load(file, true)).getMessage();
        assertTrue(message.contains("bad-name.zip was rejected: the name of an entry in it is not valid UTF-8"), message);
    }

    /**
     * A central-directory name that ZipFile accepts when it opens the zip but not when it lists the entries
     * (IllegalArgumentException from ZipFile.entries(), found by a later fuzzing run): the input as the fuzzer made it.
     */
    @Test
    void centralDirectoryNameThatIsNotUtf8IsRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("fuzzed.zip");
        try (var in = ModelZipFuzzTest.class.getResourceAsStream("ModelZipFuzzTestInputs/load/central-directory-name-not-utf8")) {
            Files.write(file, in.readAllBytes());
        }
        String message = assertThrows(UserError.class, () -> ModelFiles.load(file, true)).getMessage();
        assertTrue(message.startsWith("Model file " + file + " was rejected: the name of an entry in it is not valid "
                + "UTF-8"), message);
    }

    /**
     * The smallest networks an MNIST model zip can hold (784 inputs, 10 outputs, one layer), weights all zero so
     * that the zip is a few kilobytes: as ModelSerializer writes it, and as mnist-fcn writes it (updater state and
     * metadata entry).
     */
    static Stream<byte[]> models() throws IOException {
        var conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(0.01)).weightInit(WeightInit.ZERO)
                .list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(784).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        var plain = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, plain, false);
        Path ours = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "fuzz-seed-").resolve("m.zip");
        var provenance = ModelProvenance.recorded("seed", "name: seed\n", 1L, "fused", new ModelProvenance.Data("mnist",
                Map.of(), 55_000, 5_000, 10_000), 1, "2026-01-01T00:00:00Z", Map.of("deeplearning4j", "1.0.0-M2.1"));
        ModelFiles.save(net, ours, true, new ModelMetadata(provenance, 10, 0.5, 0.9, null, List.of()));
        try {
            return Stream.of(plain.toByteArray(), Files.readAllBytes(ours));
        } finally {
            Files.delete(ours);
            Files.delete(ours.getParent());
        }
    }
}
