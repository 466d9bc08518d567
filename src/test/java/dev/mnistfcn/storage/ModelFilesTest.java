package dev.mnistfcn.storage;

import dev.mnistfcn.TestData;
import dev.mnistfcn.ModelProvenance;
import dev.mnistfcn.Json;
import dev.mnistfcn.UserError;
import dev.mnistfcn.cli.Main;
import dev.mnistfcn.config.TrainingSpec;
import dev.mnistfcn.eval.EpochStats;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model zips from strangers: every failure is one clear message, never a stack trace or deserialization. */
class ModelFilesTest {
    @TempDir
    Path dir;

    /**
     * A hostile-input review: an LSTM or a convolution layer is a FeedForwardLayer too, so such a zip of 784 inputs and
     * 10 outputs passed the checks and predict, evaluate and every serve request ended in a stack trace.
     */
    @Test
    void aNetworkThatCannotReadARowOfPixelsIsRefusedAtLoad(@TempDir Path dir) throws IOException {
        var lstm = new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nIn(784).nOut(16).build())
                .layer(new org.deeplearning4j.nn.conf.layers.RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(16).nOut(10).activation(Activation.SOFTMAX).build())
                .build();
        var conv = new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(1, 1).nIn(784).nOut(16).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
        for (var conf : List.of(lstm, conv)) {
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            Path zip = dir.resolve(conf == lstm ? "lstm.zip" : "conv.zip");
            ModelSerializer.writeModel(net, zip.toFile(), false);
            String message = assertThrows(UserError.class, () -> ModelFiles.load(zip, false)).getMessage();
            assertTrue(message.startsWith("Model file " + zip + " holds a network that cannot read a picture as a row "
                    + "of 784 pixels ("), message);
            assertTrue(message.endsWith(conf == lstm ? "Its layers: LSTM, RnnOutputLayer." : "Its layers: ConvolutionLayer, "
                    + "OutputLayer."), message);
        }
    }

    @Test
    void aLinkThatLeadsNowhereIsSaidToBeOne() throws IOException {
        Path zip = Files.createSymbolicLink(dir.resolve("model.zip"), Path.of("/nonexistent/model.zip"));
        assertEquals("Model file " + zip + " is a link to /nonexistent/model.zip that leads nowhere: its target is "
                + "missing, or links loop. Give the path of a .zip file.",
                assertThrows(UserError.class, () -> ModelFiles.load(zip, false)).getMessage());
    }

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

    /**
     * Dense networks with dropout or activation layers between the dense ones, or a frozen dense layer, as plain DL4J
     * builds them (a review): a leading dropout layer was "takes 0 inputs", a middle one "784-16-0-10", an activation
     * layer "3 layers of other kinds", a frozen layer "not a fully-connected network". Each evaluates as what it is.
     */
    @Test
    void dropoutActivationAndFrozenLayersAreReadAsTheDenseNetworkTheyAre() throws Exception {
        var dense = new DenseLayer.Builder().nOut(16).activation(Activation.RELU);
        var output = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX);
        List<List<org.deeplearning4j.nn.conf.layers.Layer>> stacks = List.of(
                List.of(new org.deeplearning4j.nn.conf.layers.DropoutLayer(0.8), dense.build(), output.build()),
                List.of(dense.build(), new org.deeplearning4j.nn.conf.layers.DropoutLayer(0.8), output.build()),
                List.of(dense.build(), new org.deeplearning4j.nn.conf.layers.ActivationLayer(Activation.TANH), output.build()),
                List.of(new org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop(dense.build()), output.build()),
                List.of(new org.deeplearning4j.nn.conf.layers.misc.FrozenLayer(dense.build()), output.build()));
        for (int i = 0; i < stacks.size(); i++) {
            var list = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(0.01)).list();
            for (var layer : stacks.get(i)) list.layer(layer);
            MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(
                    org.deeplearning4j.nn.conf.inputs.InputType.feedForward(784)).build());
            net.init();
            Path zip = dir.resolve("stack-" + i + ".zip");
            // with updater state: FrozenLayerWithBackprop keeps its layer's, which the zip's limits took for none
            // (its wrapper lists no parameters) and refused as a zip bomb
            ModelSerializer.writeModel(net, zip.toFile(), true);
            var out = new ByteArrayOutputStream();
            var err = new ByteArrayOutputStream();
            assertEquals(0, Main.run(new String[]{"evaluate", "--model", zip.toString(), "--data-dir",
                    TestData.mnistDir().toString()}, new PrintStream(out, true), new PrintStream(err, true)), i + ": " + err);
            assertTrue(out.toString().contains("784-16-10"), i + ": " + out);
            // inspect named the first layer's updater: a frozen one has none, and that was a stack trace (a review)
            var inspected = new ByteArrayOutputStream();
            assertEquals(0, Main.run(new String[]{"inspect", zip.toString()}, new PrintStream(inspected, true),
                    new PrintStream(err, true)), i + ": " + err);
            assertTrue(inspected.toString().contains("architecture: 784-16-10") && inspected.toString().contains(
                    "updater state: present ("), i + ": " + inspected);
        }
        MultiLayerNetwork conv = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(2).build())
                .layer(new org.deeplearning4j.nn.conf.layers.SubsamplingLayer.Builder(2, 2).build())
                .layer(output.build())
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutionalFlat(28, 28, 1)).build());
        conv.init();
        Path zip = dir.resolve("conv.zip");
        ModelSerializer.writeModel(conv, zip.toFile(), false);
        assertEquals("Model file " + zip + " is not a fully-connected network that mnist-fcn can evaluate: it reads "
                + "networks of dense layers (frozen or not, with dropout or activation layers between them) ending in an "
                + "OutputLayer, and this one's 3 layers are ConvolutionLayer, SubsamplingLayer, OutputLayer.", error(zip));
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
        assertEquals(0, Main.run(new String[]{"evaluate", "--model", zip.toString(), "--data-dir",
                TestData.mnistDir().toString()}, new PrintStream(out, true), System.err));
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
        assertEquals("Model file /dev/zero is not a regular file (a device, pipe or socket). Give the path of a .zip "
                + "file (e.g. models/two-layer/model.zip).", error(Path.of("/dev/zero")));
    }

    @Test
    void pipeIsRefusedWithoutWaitingForAWriter() throws Exception {
        Path fifo = dir.resolve("model.zip");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        // Before the check, opening the zip blocked until something wrote to the pipe: a hang, not an error.
        String msg = assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> error(fifo));
        assertTrue(msg.contains("is not a regular file"), msg);
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

    /** A normalizer was skipped unread: a standardised network was evaluated on raw pixels, its answers wrong, unsaid. */
    @Test
    void aZipSavedWithANormalizerIsRefused() throws Exception {
        Path zip = dir.resolve("standardised.zip");
        var normalizer = new org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize(
                org.nd4j.linalg.factory.Nd4j.zeros(1, 784), org.nd4j.linalg.factory.Nd4j.ones(1, 784));
        ModelSerializer.writeModel(plainNet(784, 10), zip.toFile(), false);
        ModelSerializer.addNormalizerToModel(zip.toFile(), normalizer); // writeModel(…, normalizer) fails on close here
        String msg = error(zip);
        assertTrue(msg.contains(zip + " was rejected: it holds a data normalizer (normalizer.bin") && msg.contains(
                "so every answer would be wrong"), msg);
    }

    @Test
    void entriesHiddenFromTheCentralDirectoryAreCheckedToo() throws Exception {
        // DL4J reads a zip front to back (ZipInputStream), a ZipFile only through the central directory at its end:
        // an entry placed before a valid zip is seen by DL4J alone. Before the check ran on DL4J's view, this
        // preprocessor.bin reached ObjectInputStream (the load failed only on casting the ArrayList it held).
        var serialized = new ByteArrayOutputStream();
        try (var oos = new java.io.ObjectOutputStream(serialized)) {
            oos.writeObject(new java.util.ArrayList<>(java.util.List.of("not a DataSetPreProcessor")));
        }
        Path hidden = hiddenBeforeAPlainZip("preprocessor.bin", serialized.toByteArray());
        try (var z = new java.util.zip.ZipFile(hidden.toFile())) {
            assertEquals(null, z.getEntry("preprocessor.bin"), "invisible to ZipFile");
        }
        String msg = error(hidden);
        assertTrue(msg.contains("'preprocessor.bin'") && msg.contains("Java deserialization"), msg);
        // A second configuration.json: which one counts depends on the reader, so neither is trusted.
        String evil = plainJson().replace(RELU, "\"java.lang.ProcessBuilder\"");
        msg = error(hiddenBeforeAPlainZip("configuration.json", evil.getBytes()));
        assertTrue(msg.contains("two entries named 'configuration.json'"), msg);
    }

    /** A plain model zip with a local entry in front that its central directory does not list. */
    private Path hiddenBeforeAPlainZip(String name, byte[] content) throws IOException {
        var front = new ByteArrayOutputStream();
        try (var z = new ZipOutputStream(front)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(content);
        }
        byte[] h = front.toByteArray();
        int end = h.length - 22; // end-of-central-directory record, no comment
        int centralDirectory = java.nio.ByteBuffer.wrap(h, end + 16, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        Path plain = dir.resolve("plain.zip");
        ModelSerializer.writeModel(plainNet(784, 10), plain.toFile(), false);
        Path zip = dir.resolve("hidden.zip");
        try (var out = Files.newOutputStream(zip)) {
            out.write(h, 0, centralDirectory); // the local entry only
            out.write(Files.readAllBytes(plain));
        }
        return zip;
    }

    /** A zip with real coefficients and the given configuration.json. */
    private Path zipWithConfiguration(String name, String json) throws IOException {
        Path zip = dir.resolve(name);
        try (var z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("configuration.json"));
            z.write(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry("coefficients.bin"));
            var params = new java.io.DataOutputStream(z);
            org.nd4j.linalg.factory.Nd4j.write(plainNet(784, 10).params(), params);
            params.flush();
        }
        return zip;
    }

    private static String plainJson() {
        return plainNet(784, 10).getLayerWiseConfigurations().toJson();
    }

    private static final String RELU = "\"org.nd4j.linalg.activations.impl.ActivationReLU\"";

    @Test
    void aTypeIdNamingAClassOutsideDl4jAndNd4jIsRefusedBeforeDl4jParses() throws Exception {
        assertTrue(plainJson().contains(RELU));
        String msg = error(zipWithConfiguration("process.zip", plainJson().replace(RELU, "\"java.lang.ProcessBuilder\"")));
        assertTrue(msg.contains("Model file " + dir.resolve("process.zip") + " was rejected: its configuration.json names "
                + "the class 'java.lang.ProcessBuilder' (at confs[0].layer.activationFn.@class), which is not a DL4J/ND4J "
                + "class; mnist-fcn only instantiates DL4J's and ND4J's own configuration classes from a stranger's zip."),
                msg);
    }

    @Test
    void aTypeIdNamingAMissingDl4jClassIsNamed() throws Exception {
        String msg = error(zipWithConfiguration("nosuch.zip",
                plainJson().replace(RELU, "\"org.nd4j.linalg.activations.impl.NoSuchActivation\"")));
        assertTrue(msg.contains("names the class 'org.nd4j.linalg.activations.impl.NoSuchActivation' (at "
                + "confs[0].layer.activationFn.@class), which does not exist in the DL4J/ND4J version"), msg);
    }

    @Test
    void typeIdsAreCheckedWhereverJacksonWouldReadOne() throws Exception {
        String json = plainJson();
        String dist = "\"type\" : \"org.deeplearning4j.nn.conf.distribution.NormalDistribution\"";
        String[][] cases = {
                // in an array, nested
                {json.replace("\"regularization\" : [ ]",
                        "\"regularization\" : [ { \"@class\" : \"javax.script.ScriptEngineManager\" } ]"),
                        "'javax.script.ScriptEngineManager' (at confs[0].layer.regularization[0].@class)"},
                // a weight distribution's type id is "type"
                {json.replace("\"weightInitFn\" : {", "\"weightInitFn\" : { \"distribution\" : { \"type\" : "
                        + "\"java.lang.ProcessBuilder\", \"mean\" : 0.0, \"std\" : 1.0 },"),
                        "'java.lang.ProcessBuilder' (at confs[0].layer.weightInitFn.distribution.type)"},
                // Jackson also reads a polymorphic value as ["type id", {...}]
                {json.replace("\"idropout\" : null", "\"idropout\" : [ \"java.lang.ProcessBuilder\", { } ]"),
                        "'java.lang.ProcessBuilder' (at confs[0].layer.idropout[0])"},
                // generics would make Jackson load the parameter's class; shaded third-party code is not ND4J's
                {json.replace(RELU, "\"org.nd4j.linalg.activations.impl.ActivationReLU<java.lang.ProcessBuilder>\""),
                        "'org.nd4j.linalg.activations.impl.ActivationReLU<java.lang.ProcessBuilder>'"},
                {json.replace(RELU, "\"org.nd4j.shade.jackson.databind.node.TextNode\""),
                        "'org.nd4j.shade.jackson.databind.node.TextNode'"},
        };
        for (String[] c : cases) {
            assertTrue(!c[0].equals(json), c[1]);
            String msg = error(zipWithConfiguration("case.zip", c[0]));
            assertTrue(msg.contains(c[1]) && msg.contains("not a DL4J/ND4J class"), msg);
        }
        // DL4J's parser takes the first of two "@class" keys, a tree the last: a key given twice is refused.
        String twice = json.replace(RELU, "\"java.lang.ProcessBuilder\", \"@class\" : " + RELU);
        String msg = error(zipWithConfiguration("twice.zip", twice));
        assertTrue(msg.contains("is not valid JSON as DL4J writes it (Duplicate field '@class'"), msg);
        // An ordinary "type" value and distributions as DL4J writes them pass.
        assertTrue(json.contains("\"variables\" : [ \"W\", \"b\" ]"));
        ConfigurationTypeIds.check(dir, "{ \"weightInitFn\" : { \"distribution\" : { " + dist + " } }, \"type\" : \"MAX\" }");
    }

    @Test
    void aZipOfTheShippedConfigLoads() throws Exception {
        // The shipped configs use weight distributions, whose type ids are "type", not "@class".
        var config = dev.mnistfcn.config.ConfigLoader.load(Path.of("config/two-layer.yaml"), java.util.Map.of());
        Path zip = dir.resolve("two-layer.zip");
        ModelFiles.save(dev.mnistfcn.network.NetworkFactory.build(config), zip, true, null);
        String json;
        try (var z = new java.util.zip.ZipFile(zip.toFile())) {
            json = new String(z.getInputStream(z.getEntry("configuration.json")).readAllBytes());
        }
        assertTrue(json.contains("\"type\" : \"org.deeplearning4j.nn.conf.distribution.TruncatedNormalDistribution\""), json);
        assertEquals(218_058, ModelFiles.load(zip, true).network().numParams());
    }

    /** Each zip holds every epoch's history: the longest run a config may ask for must be read back (it was not past ~270). */
    @Test
    void theLongestHistoryAConfigAllowsIsReadBack() throws Exception {
        List<EpochStats> history = new ArrayList<>();
        for (int e = 1; e <= TrainingSpec.MAX_EPOCHS; e++) { // values with the most digits JSON can give a double
            history.add(new EpochStats(e, Math.nextUp(1 / 3.0), -Math.nextUp(2 / 3.0) * 1e-100, Math.nextDown(1.0),
                    Math.nextUp(1234.5678), Math.nextUp(0.1 / 3), Long.MAX_VALUE));
        }
        var provenance = ModelProvenance.recorded("long", "name: long\n", 1L, "fused", new ModelProvenance.Data("mnist",
                Map.of(), 55_000, 5_000, 10_000), TrainingSpec.MAX_EPOCHS, "2026-01-01T00:00:00Z", Map.of());
        Path zip = dir.resolve("long.zip");
        ModelFiles.save(plainNet(784, 10), zip, true, new ModelMetadata(provenance, Long.MAX_VALUE, 0.5, 0.9, 0.9, history));
        int bytes;
        try (var z = new java.util.zip.ZipFile(zip.toFile())) {
            bytes = (int) z.getEntry("mnist-fcn.json").getSize();
        }
        assertTrue(bytes > 64 << 10 && bytes < ModelZipLimits.METADATA_BYTES, bytes + " bytes");
        assertEquals(history, ModelFiles.load(zip, true).metadata().orElseThrow().history());
    }

    /** A metadata value of the wrong type names its key: Jackson's message ("from String \"x\"") named none. */
    @Test
    void aMetadataValueOfTheWrongTypeNamesItsKey() throws Exception {
        var provenance = ModelProvenance.recorded("typed", "name: typed\n", 1L, "fused", new ModelProvenance.Data("mnist",
                Map.of(), 55_000, 5_000, 10_000), 1, "2026-01-01T00:00:00Z", Map.of());
        Path zip = dir.resolve("typed.zip");
        ModelFiles.save(plainNet(784, 10), zip, true, new ModelMetadata(provenance, 1, 0.5, 0.9, 0.9, List.of()));
        try (var fs = java.nio.file.FileSystems.newFileSystem(zip)) {
            Path meta = fs.getPath("mnist-fcn.json");
            var m = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(meta));
            m.put("iteration", "x");
            Files.write(meta, Json.MAPPER.writeValueAsBytes(m));
        }
        UserError e = assertThrows(UserError.class, () -> ModelFiles.load(zip, true));
        assertTrue(e.getMessage().contains("has an unreadable mnist-fcn.json (key 'iteration': the wrong type, not a whole "
                + "number)"), e.getMessage());
    }

    /** A figure out of its range is refused by name: a test accuracy of 1e308 was shown as "Infinity%". */
    @Test
    void aMetadataFigureOutOfItsRangeNamesItsKey() throws Exception {
        var provenance = ModelProvenance.recorded("ranged", "name: ranged\n", 1L, "fused", new ModelProvenance.Data("mnist",
                Map.of(), 55_000, 5_000, 10_000), 1, "2026-01-01T00:00:00Z", Map.of());
        var epoch = new dev.mnistfcn.eval.EpochStats(1, 0.3, Double.NaN, 0.9, 1.0, 0.1, 55_000); // a NaN loss is a run's own
        Path zip = dir.resolve("ranged.zip");
        ModelFiles.save(plainNet(784, 10), zip, true, new ModelMetadata(provenance, 1, 0.5, 0.9, 0.9, List.of(epoch)));
        assertEquals(0.9, ModelFiles.load(zip, true).metadata().orElseThrow().testAccuracy());
        String[][] cases = {{"test_accuracy", "1e308", "key 'test_accuracy' is 1.0E308, not an accuracy from 0 to 1"},
                {"validation_accuracy", "-0.5", "key 'validation_accuracy' is -0.5"},
                {"iteration", "-3", "key 'iteration' is -3, below 0"}};
        for (String[] c : cases) {
            Path bad = dir.resolve("ranged-" + c[0] + ".zip");
            Files.copy(zip, bad);
            try (var fs = java.nio.file.FileSystems.newFileSystem(bad)) {
                Path meta = fs.getPath("mnist-fcn.json");
                var m = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(meta));
                m.set(c[0], Json.MAPPER.readTree(c[1]));
                Files.write(meta, Json.MAPPER.writeValueAsBytes(m));
            }
            UserError e = assertThrows(UserError.class, () -> ModelFiles.load(bad, true), c[0]);
            assertTrue(e.getMessage().contains("has an unreadable mnist-fcn.json (" + c[2]), e.getMessage());
        }
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
    @Test
    void arraysAreWrittenAsNd4jWritesThem() throws Exception {
        // writeArray's bulk writing must give Nd4j.write's bytes, which DL4J's restore reads: the parameters and the
        // Adam state of a network that has trained a step (a view of the state array, too), and values whose bits
        // Nd4j.write canonicalises (NaN) or keeps (-0, subnormal, infinity).
        MultiLayerNetwork net = plainNet(784, 10);
        var data = new org.nd4j.linalg.dataset.DataSet(org.nd4j.linalg.factory.Nd4j.rand(8, 784),
                org.nd4j.linalg.factory.Nd4j.eye(10).getRows(0, 1, 2, 3, 4, 5, 6, 7));
        net.fit(data);
        var state = net.getUpdater().getStateViewArray();
        var odd = org.nd4j.linalg.factory.Nd4j.create(new float[]{Float.NaN, Float.intBitsToFloat(0x7fc00001), -0f,
                Float.MIN_VALUE, Float.NEGATIVE_INFINITY, 1.5f}, new long[]{2, 3}, 'f');
        var view = state.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 9000));
        for (var array : java.util.List.of(net.params(), state, view, odd)) {
            var expected = new ByteArrayOutputStream();
            var dataOut = new java.io.DataOutputStream(expected);
            org.nd4j.linalg.factory.Nd4j.write(array, dataOut);
            dataOut.flush();
            var actual = new ByteArrayOutputStream();
            dataOut = new java.io.DataOutputStream(actual);
            ModelFiles.writeArray(array, dataOut);
            dataOut.flush();
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected.toByteArray(), actual.toByteArray());
        }
    }
}
