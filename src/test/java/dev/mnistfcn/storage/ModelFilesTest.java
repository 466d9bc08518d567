package dev.mnistfcn.storage;

import dev.mnistfcn.TestData;
import dev.mnistfcn.UserError;
import dev.mnistfcn.cli.Main;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model zips from strangers: every failure is one clear message, never a stack trace or deserialization. */
class ModelFilesTest {
    @TempDir
    Path dir;

    static MultiLayerNetwork plainNet(int nIn, int nOut) {
        var conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nIn(nIn).nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(nOut)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private String error(Path zip) {
        return assertThrows(UserError.class, () -> ModelFiles.load(zip, true)).getMessage();
    }

    @Test
    void plainModelSerializerZipWithoutMetadataLoadsAndEvaluates() throws Exception {
        Path zip = dir.resolve("plain.zip");
        ModelSerializer.writeModel(plainNet(784, 10), zip.toFile(), false);
        ModelFiles.Loaded loaded = ModelFiles.load(zip, true);
        assertTrue(loaded.metadata().isEmpty());
        assertFalse(loaded.hasUpdaterState());
        var out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out));
        try {
            assertEquals(0, Main.run(new String[]{"evaluate", "--model", zip.toString(), "--data-dir",
                    TestData.mnistDir().toString()}, System.out, System.err));
        } finally {
            System.setOut(old);
        }
        assertTrue(out.toString().contains("Test accuracy"), out.toString());
        assertTrue(out.toString().contains("784-16-10"), out.toString());
    }

    @Test
    void truncatedZip() throws Exception {
        Path zip = dir.resolve("cut.zip");
        ModelSerializer.writeModel(plainNet(784, 10), zip.toFile(), true);
        byte[] all = Files.readAllBytes(zip);
        Files.write(zip, java.util.Arrays.copyOf(all, all.length / 2));
        String msg = error(zip);
        assertTrue(msg.contains("truncated or not a zip"), msg);
        assertTrue(msg.contains(zip.toString()), msg);
    }

    @Test
    void corruptBytesInsideAnEntry() throws Exception {
        Path zip = dir.resolve("corrupt.zip");
        try (var z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("configuration.json"));
            z.write(plainNet(784, 10).getLayerWiseConfigurations().toJson().getBytes());
            z.putNextEntry(new ZipEntry("coefficients.bin"));
            z.write(new byte[]{1, 2, 3, 4, 5, 6, 7});
        }
        String msg = error(zip);
        assertTrue(msg.contains("is damaged"), msg);
    }

    @Test
    void randomBytes() throws Exception {
        Path zip = dir.resolve("noise.zip");
        Files.write(zip, new byte[]{'n', 'o', 't', ' ', 'a', ' ', 'z', 'i', 'p'});
        assertTrue(error(zip).contains("truncated or not a zip"));
    }

    @Test
    void zipThatIsNotADl4jModel() throws Exception {
        Path zip = dir.resolve("photos.zip");
        try (var z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("readme.txt"));
            z.write("hello".getBytes());
        }
        String msg = error(zip);
        assertTrue(msg.contains("not a DL4J model"), msg);
    }

    @Test
    void modelWithWrongInputOrOutput() throws Exception {
        Path in100 = dir.resolve("in100.zip");
        ModelSerializer.writeModel(plainNet(100, 10), in100.toFile(), false);
        String msg = error(in100);
        assertTrue(msg.contains("takes 100 inputs") && msg.contains("784"), msg);
        Path out2 = dir.resolve("out2.zip");
        ModelSerializer.writeModel(plainNet(784, 2), out2.toFile(), false);
        assertTrue(error(out2).contains("gives 2 outputs"));
    }

    @Test
    void missingFileAndFolder() {
        assertTrue(error(dir.resolve("nope.zip")).contains("does not exist"));
        assertTrue(error(dir).contains("is a folder"));
    }

    @Test
    void entryNamesLeadingOutOfTheArchiveAreRejected() throws Exception {
        for (String evil : new String[]{"../../etc/passwd", "/abs/configuration.json"}) {
            Path zip = dir.resolve("evil.zip");
            try (var z = new ZipOutputStream(Files.newOutputStream(zip))) {
                z.putNextEntry(new ZipEntry("configuration.json"));
                z.write(plainNet(784, 10).getLayerWiseConfigurations().toJson().getBytes());
                z.putNextEntry(new ZipEntry(evil));
                z.write(1);
            }
            String msg = error(zip);
            assertTrue(msg.contains(evil) && msg.contains("absolute path"), msg);
        }
    }

    @Test
    void entriesDl4jWouldDeserializeAreRejectedUnread() throws Exception {
        Path zip = dir.resolve("gadget.zip");
        ModelSerializer.writeModel(plainNet(784, 10), zip.toFile(), false);
        Path withPre = dir.resolve("with-pre.zip");
        try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(zip));
             var z = new ZipOutputStream(Files.newOutputStream(withPre))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                z.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(z);
            }
            z.putNextEntry(new ZipEntry("preprocessor.bin"));
            z.write(new byte[]{(byte) 0xAC, (byte) 0xED, 0, 5}); // a Java serialization stream header
        }
        String msg = error(withPre);
        assertTrue(msg.contains("preprocessor.bin") && msg.contains("Java deserialization"), msg);
    }

    @Test
    void cliPrintsOneParagraphForABadZip() throws IOException {
        Path zip = dir.resolve("bad.zip");
        Files.writeString(zip, "garbage");
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"inspect", "--model", zip.toString()}, System.out, new PrintStream(err));
        assertEquals(2, code);
        assertTrue(err.toString().startsWith("error: Model file"), err.toString());
        assertFalse(err.toString().contains("\tat "), err.toString());
    }
}
