package dev.mnistfcn.storage;

import dev.mnistfcn.UserError;
import dev.mnistfcn.cli.Main;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile model zips that would exhaust memory: every one ends in one paragraph naming the file, the entry, its size
 * and the limit, before anything large is allocated.
 */
class ModelZipLimitsTest {
    /** What the issue reported: 1.5 GB of configuration.json in a 1.5 MB zip ended in OutOfMemoryError. */
    private static final long BOMB = 1_500_000_000L;

    @TempDir
    Path dir;

    private String error(Path zip) {
        String msg = assertThrows(UserError.class, () -> ModelFiles.load(zip, true)).getMessage();
        assertTrue(msg.contains(zip.toString()), msg);
        assertEquals(1, msg.lines().count(), "one paragraph: " + msg);
        return msg;
    }

    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** A zip of the given entries, in order, at deflate's fastest level (zeros shrink about 1000:1 either way). */
    private Path zip(String name, Object... entries) throws IOException {
        Path zip = dir.resolve(name);
        try (var z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.setLevel(Deflater.BEST_SPEED);
            for (int i = 0; i < entries.length; i += 2) {
                z.putNextEntry(new ZipEntry((String) entries[i]));
                if (entries[i + 1] instanceof byte[] b) z.write(b);
                else ((Body) entries[i + 1]).write(z);
                z.closeEntry();
            }
        }
        return zip;
    }

    private static Body zeros(long n) {
        return out -> {
            byte[] block = new byte[1 << 20];
            for (long left = n; left > 0; left -= block.length) out.write(block, 0, (int) Math.min(block.length, left));
        };
    }

    private static byte[] configuration(MultiLayerNetwork net) {
        return net.getLayerWiseConfigurations().toJson().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] array(org.nd4j.linalg.api.ndarray.INDArray a) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            Nd4j.write(a, out);
        }
        return bytes.toByteArray();
    }

    /** Rewrites the central directory's uncompressed size of every entry to {@code size}: a zip that lies. */
    private static void lieInCentralDirectory(Path zip, int size) throws IOException {
        byte[] b = Files.readAllBytes(zip);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int end = b.length - 22;
        int entries = buf.getShort(end + 10) & 0xffff;
        for (int i = 0, at = buf.getInt(end + 16); i < entries; i++) {
            assertEquals(0x02014b50, buf.getInt(at));
            buf.putInt(at + 24, size);
            at += 46 + (buf.getShort(at + 28) & 0xffff) + (buf.getShort(at + 30) & 0xffff) + (buf.getShort(at + 32) & 0xffff);
        }
        Files.write(zip, b);
    }

    @Test
    void aConfigurationThatInflatesTo1_5GbIsRefusedByItsDeclaredSizeOrWhileInflating() throws IOException {
        Path honest = zip("bomb.zip", "configuration.json", zeros(BOMB), "coefficients.bin", new byte[8]);
        assertTrue(Files.size(honest) < 10_000_000, "a small file: " + Files.size(honest));
        String msg = error(honest);
        assertTrue(msg.contains("its entry 'configuration.json' declares 1500000000 bytes, over the limit of 4194304 "
                + "bytes for that entry"), msg);
        // The same zip, its index claiming 5,000 bytes: counted while inflating, stopped at the limit.
        lieInCentralDirectory(honest, 5000);
        msg = error(honest);
        assertTrue(msg.contains("its entry 'configuration.json' inflates to more than 4194304 bytes (reading stopped "
                + "there), over the limit of 4194304 bytes"), msg);
    }

    @Test
    void coefficientsLargerThanTheDeclaredNetworkAreNotInflated() throws IOException {
        MultiLayerNetwork net = ModelFilesTest.plainNet(784, 10);
        long needed = net.numParams() * 4 + ModelZipLimits.ARRAY_HEADER_BYTES;
        Path zip = zip("big-coefficients.zip", "configuration.json", configuration(net), "coefficients.bin", zeros(64 << 20));
        lieInCentralDirectory(zip, 100);
        String msg = error(zip);
        assertTrue(msg.contains("its entry 'coefficients.bin' inflates to more than " + needed + " bytes"), msg);
        assertTrue(msg.contains("the parameters its configuration.json declares"), msg);
    }

    @Test
    void aCoefficientsHeaderDeclaringMoreThanTheEntryHoldsIsRefusedBeforeNd4jAllocates() throws IOException {
        MultiLayerNetwork net = ModelFilesTest.plainNet(784, 10);
        byte[] real = array(net.params());
        String needle = "FLOAT";
        // The data header is (mode, length as a long, type); its length sits just before the last "FLOAT".
        int type = new String(real, StandardCharsets.ISO_8859_1).lastIndexOf(needle) - 2;
        for (long declared : new long[]{1L << 40, net.numParams() + 1, -1}) {
            byte[] forged = real.clone();
            ByteBuffer.wrap(forged).putLong(type - 8, declared);
            String msg = error(zip("forged.zip", "configuration.json", configuration(net), "coefficients.bin", forged));
            assertTrue(msg.contains("is damaged: coefficients.bin does not hold an ND4J array that fits the network: "
                    + "its header declares " + declared + " values of FLOAT"), msg);
        }
        // A shape promising more elements than the data holds; strides that would lead native code past the data.
        int shapeInfo = new String(real, StandardCharsets.ISO_8859_1).indexOf("\u0000\u0004LONG") + 6;
        int rank = (int) ByteBuffer.wrap(real).getLong(shapeInfo);
        byte[] shape = real.clone();
        ByteBuffer.wrap(shape).putLong(shapeInfo + 8, 1L << 40); // the first dimension
        assertTrue(error(zip("shape.zip", "configuration.json", configuration(net), "coefficients.bin", shape))
                .contains("in a shape of 1099511627776"));
        byte[] stride = real.clone();
        ByteBuffer.wrap(stride).putLong(shapeInfo + 8 + 8 * rank, 1L << 40); // the first stride
        assertTrue(error(zip("stride.zip", "configuration.json", configuration(net), "coefficients.bin", stride))
                .contains("its shape information is not that of a dense array"));
        assertTrue(error(zip("noise.zip", "configuration.json", configuration(net), "coefficients.bin", new byte[]{0, 9, 'X'}))
                .contains("its header cannot be read"));
    }

    @Test
    void aNetworkDeclaringBillionsOfParametersIsRefusedFromItsConfiguration() throws IOException {
        var conf = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(2_000_000_000).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(2_000_000_000).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
        String msg = error(zip("huge.zip", "configuration.json", conf.toJson().getBytes(StandardCharsets.UTF_8),
                "coefficients.bin", new byte[8]));
        assertTrue(msg.contains("declares a layer of 784 inputs and 2000000000 outputs, more than the 33554432 parameters"),
                msg);
    }

    @Test
    void updaterStateIsBoundedByWhatTheUpdaterKeeps() throws IOException {
        // Plain SGD keeps no state: any updaterState.bin beyond ND4J's header is too much.
        var conf = new NeuralNetConfiguration.Builder().updater(new Sgd(0.1)).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(8).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        String msg = error(zip("sgd.zip", "configuration.json", configuration(net), "coefficients.bin",
                array(net.params()), "updaterState.bin", zeros(10_000_000)));
        assertTrue(msg.contains("its entry 'updaterState.bin' inflates to more than 1024 bytes (reading stopped there), over "
                + "the limit of 1024 bytes"), msg);
        // Adam's real state (two values per parameter) loads, value for value.
        MultiLayerNetwork adam = ModelFilesTest.plainNet(784, 10);
        var state = adam.getUpdater().getStateViewArray();
        state.assign(Nd4j.rand(state.dataType(), state.shape()));
        Path saved = dir.resolve("adam.zip");
        ModelSerializer.writeModel(adam, saved.toFile(), true);
        ModelFiles.Loaded loaded = ModelFiles.load(saved, true);
        assertTrue(loaded.hasUpdaterState());
        assertArrayEquals(adam.params().data().asFloat(), loaded.network().params().data().asFloat());
        assertArrayEquals(adam.getUpdater().getStateViewArray().data().asFloat(),
                loaded.network().getUpdater().getStateViewArray().data().asFloat());
    }

    @Test
    void aZipOfThousandsOfEntriesIsRefusedByItsCount() throws IOException {
        List<Object> entries = new ArrayList<>(List.of("configuration.json", configuration(ModelFilesTest.plainNet(784, 10)),
                "coefficients.bin", new byte[8]));
        for (int i = 0; i < 1_000; i++) entries.addAll(List.of("e" + i, new byte[0]));
        String msg = error(zip("many.zip", entries.toArray()));
        assertTrue(msg.contains("it holds 1002 entries, over the limit of 64"), msg);
    }

    @Test
    void twoEntriesOfTheSameNameInTheIndexAreRefused() throws IOException {
        MultiLayerNetwork net = ModelFilesTest.plainNet(784, 10);
        Path zip = zip("twice.zip", "configuration.json", configuration(net), "coefficients.bin", array(net.params()),
                "coefficientz.bin", zeros(100));
        // ZipOutputStream refuses a duplicate name: rename the third entry, in its local header and in the index.
        String s = new String(Files.readAllBytes(zip), StandardCharsets.ISO_8859_1);
        Files.write(zip, s.replace("coefficientz.bin", "coefficients.bin").getBytes(StandardCharsets.ISO_8859_1));
        String msg = error(zip);
        assertTrue(msg.contains("two entries named 'coefficients.bin'"), msg);
    }

    /** The case end to end: {@code -Dmodel=} in a JVM with a 256 MB heap: one paragraph, exit code 2. */
    @Test
    void theCliGivesOneParagraphAndExitCode2() throws Exception {
        Path bomb = zip("bomb.zip", "configuration.json", zeros(BOMB), "coefficients.bin", new byte[8]);
        lieInCentralDirectory(bomb, 5000);
        var err = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[]{"evaluate", "--model", bomb.toString()}, System.out, new PrintStream(err)));
        assertTrue(err.toString().startsWith("error: Model file " + bomb + " was rejected"), err.toString());
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dmodel=" + bomb, "-cp", System.getProperty("java.class.path"), Main.class.getName())
                .redirectErrorStream(true);
        pb.environment().put("MNIST_FCN_NO_RELAUNCH", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("error: Model file " + bomb + " was rejected: its entry 'configuration.json' inflates "
                + "to more than 4194304 bytes"), out);
        assertFalse(out.contains("\tat ") || out.contains("OutOfMemoryError"), out);
        String predict = assertThrows(UserError.class, () -> ModelFiles.load(bomb, false)).getMessage();
        assertTrue(predict.contains("'configuration.json' inflates to more than"), predict);
    }
}
