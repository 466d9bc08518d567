package dev.mnistfcn.interop;

import dev.mnistfcn.Folders;
import dev.mnistfcn.UserError;
import dev.mnistfcn.cli.Main;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.RunFolder;
import onnx.OnnxMl.ModelProto;
import onnx.OnnxMl.NodeProto;
import onnx.OnnxMl.OperatorSetIdProto;
import onnx.OnnxMl.TensorProto;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.tensorflow.framework.GraphDef;
import org.tensorflow.framework.NodeDef;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ONNX and TensorFlow files as protobuf, without the Python runtimes (InteropRoundTripTest and PyTorchImportTest
 * run those): what export writes, that an exported network reads back to the same probabilities, and the refusals.
 */
class OnnxFilesTest {
    static final Path FILE = Path.of("model.onnx");
    @TempDir
    Path dir;

    static MultiLayerNetwork network(IActivation... hidden) {
        var list = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER).list();
        int nIn = 784;
        for (IActivation a : hidden) {
            list.layer(new DenseLayer.Builder().nIn(nIn).nOut(32).activation(a).biasInit(0.1).build());
            nIn = 32;
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(nIn).nOut(10)
                .activation(Activation.SOFTMAX).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    static ModelProto exported(MultiLayerNetwork net) throws Exception {
        return ModelProto.parseFrom(OnnxExport.toBytes(net, Map.of("run_name", "t"), "test net"));
    }

    @Test
    void everyActivationTheImporterReadsComesBackWithTheSameProbabilities() throws Exception {
        MultiLayerNetwork net = network(Activation.RELU.getActivationFunction(), Activation.TANH.getActivationFunction(),
                Activation.SIGMOID.getActivationFunction(), Activation.ELU.getActivationFunction(),
                new ActivationLReLU(0.2), Activation.IDENTITY.getActivationFunction());
        MultiLayerNetwork back = OnnxImport.read(FILE, exported(net), null);
        INDArray x = Nd4j.rand(DataType.FLOAT, 64, 784);
        assertArrayEquals(net.output(x).reshape(-1).toFloatVector(), back.output(x).reshape(-1).toFloatVector(), 1e-6f);
    }

    @Test
    void onnxFileHasTheNamesShapesVersionsAndMetadataTheReadmeStates() throws Exception {
        ModelProto m = exported(network(Activation.RELU.getActivationFunction()));
        assertEquals(8, m.getIrVersion());
        assertEquals(List.of(13L), m.getOpsetImportList().stream().map(OperatorSetIdProto::getVersion).toList());
        assertEquals("x", m.getGraph().getInput(0).getName());
        var dims = m.getGraph().getInput(0).getType().getTensorType().getShape().getDimList();
        assertEquals("N", dims.get(0).getDimParam());
        assertEquals(784, dims.get(1).getDimValue());
        assertEquals("probabilities", m.getGraph().getOutput(0).getName());
        assertEquals(List.of("Gemm", "Relu", "Gemm", "Softmax"), m.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
        var props = m.getMetadataPropsList().stream().collect(java.util.stream.Collectors.toMap(e -> e.getKey(), e -> e.getValue()));
        assertEquals("t", props.get("run_name"));
        assertEquals("0..1", props.get("input_scale"));
    }

    @Test
    void tensorFlowGraphHasTheTutorialsNames() throws Exception {
        GraphDef g = GraphDef.parseFrom(TfExport.toBytes(network(Activation.RELU.getActivationFunction()), "test net"));
        Map<String, String> ops = g.getNodeList().stream().collect(java.util.stream.Collectors.toMap(NodeDef::getName, NodeDef::getOp));
        assertEquals("Placeholder", ops.get("x"));
        assertEquals("Softmax", ops.get("pred"));
        assertEquals(4, ops.values().stream().filter("Const"::equals).count(), "W and b of two layers as constants");
        assertEquals(-1, g.getNode(0).getAttrOrThrow("shape").getShape().getDim(0).getSize());
    }

    @Test
    void aNetworkTheFormatsCannotExpressIsRefusedNamingTheLayer() {
        var net = network(Activation.RELU.getActivationFunction(), Activation.CUBE.getActivationFunction());
        UserError e = assertThrows(UserError.class, () -> OnnxExport.toBytes(net, Map.of(), "models/x/model.zip"));
        assertTrue(e.getMessage().contains("models/x/model.zip") && e.getMessage().contains("layer 1")
                && e.getMessage().toLowerCase().contains("cube"), e.getMessage());
        assertThrows(UserError.class, () -> TfExport.toBytes(net, "models/x/model.zip"));
        // A capped ReLU was "uses the activation relu, which has no exporter (exported: ..., relu, ...)"
        var capped = network(new org.nd4j.linalg.activations.impl.ActivationReLU(6.0, 0.0, 0.0));
        UserError cap = assertThrows(UserError.class, () -> OnnxExport.toBytes(capped, Map.of(), "x.zip"));
        assertTrue(cap.getMessage().contains("relu (capped at 6.0; only the plain max(0, x) is exported)"), cap.getMessage());
        // TensorFlow's ELU refusal named the graph's own "dense0"
        var elu = network(new org.nd4j.linalg.activations.impl.ActivationELU(0.5));
        UserError tf = assertThrows(UserError.class, () -> TfExport.toBytes(elu, "x.zip"));
        assertTrue(tf.getMessage().contains("its layer 0 uses ELU with alpha 0.5"), tf.getMessage());
    }

    /**
     * A zip from elsewhere whose outputs are not probabilities is refused for inference: an identity output layer
     * printed "7 111.0%" beside negative probabilities. A LossLayer network was said to give "0 outputs".
     */
    @Test
    void onlySoftmaxClassifiersAreReadForAnswers(@TempDir Path tmp) throws Exception {
        var list = new NeuralNetConfiguration.Builder().seed(7).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(32).nOut(10)
                        .activation(Activation.IDENTITY).build());
        MultiLayerNetwork identity = new MultiLayerNetwork(list.build());
        identity.init();
        Path zip = tmp.resolve("identity.zip");
        org.deeplearning4j.util.ModelSerializer.writeModel(identity, zip.toFile(), true);
        UserError e = assertThrows(UserError.class, () -> ModelSource.load(zip, null));
        assertTrue(e.getMessage().contains("ends in an output layer with the activation identity, so its outputs are not "
                + "probabilities"), e.getMessage());
        assertEquals(32 * 784 + 32 + 330, dev.mnistfcn.storage.ModelFiles.load(zip, false).network().numParams(),
                "inspect still reads it");

        var loss = new NeuralNetConfiguration.Builder().seed(7).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(10).activation(Activation.SOFTMAX).build())
                .layer(new org.deeplearning4j.nn.conf.layers.LossLayer.Builder(LossFunctions.LossFunction.MCXENT).build());
        MultiLayerNetwork lossNet = new MultiLayerNetwork(loss.build());
        lossNet.init();
        Path lossZip = tmp.resolve("loss.zip");
        org.deeplearning4j.util.ModelSerializer.writeModel(lossNet, lossZip.toFile(), true);
        UserError l = assertThrows(UserError.class, () -> ModelSource.load(lossZip, null));
        assertTrue(l.getMessage().contains("ends in a LossLayer, which mnist-fcn does not read"), l.getMessage());
    }

    @Test
    void anOnnxModelWithOtherOpsOrOpsetsIsRefusedNamingThem() throws Exception {
        ModelProto m = exported(network(Activation.RELU.getActivationFunction()));
        var g = m.getGraph().toBuilder();
        g.setNode(1, g.getNode(1).toBuilder().setOpType("Conv"));
        UserError conv = assertThrows(UserError.class, () -> OnnxImport.read(FILE, m.toBuilder().setGraph(g).build(), null));
        assertTrue(conv.getMessage().contains("op Conv") && conv.getMessage().contains("'dense0.act'"), conv.getMessage());
        ModelProto old = m.toBuilder().setOpsetImport(0, OperatorSetIdProto.newBuilder().setVersion(9)).build();
        UserError opset = assertThrows(UserError.class, () -> OnnxImport.read(FILE, old, null));
        assertTrue(opset.getMessage().contains("opset 9") && opset.getMessage().contains("13 to 21"), opset.getMessage());
        UserError none = assertThrows(UserError.class, () -> OnnxImport.read(FILE, m.toBuilder().clearOpsetImport().build(), null));
        assertTrue(none.getMessage().contains("declares no opset for ONNX's own operators"), none.getMessage());
    }

    /** A damaged or forged file: shapes of no values or of too many, NaN weights, a layer short of its inputs. */
    @Test
    void damagedTensorsAndNodesAreRefusedInOneParagraph() throws Exception {
        ModelProto m = exported(network(Activation.RELU.getActivationFunction()));
        TensorProto weight = m.getGraph().getInitializer(0);
        String name = weight.getName();
        for (long[] dims : new long[][]{{0, 32}, {-1, 32}, {1L << 40, 1L << 40}}) {
            var t = weight.toBuilder().clearDims();
            for (long d : dims) t.addDims(d);
            String why = refusal(m, m.getGraph().toBuilder().setInitializer(0, t));
            assertTrue(why.contains("'" + name + "'") && why.contains("each dimension must be at least 1"), why);
        }
        byte[] raw = weight.getRawData().toByteArray();
        java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(4 * 5, Float.NaN);
        String nan = refusal(m, m.getGraph().toBuilder().setInitializer(0, weight.toBuilder()
                .setRawData(org.nd4j.shade.protobuf.ByteString.copyFrom(raw))));
        assertTrue(nan.contains("'" + name + "' holds NaN at index 5"), nan);
        int layers = 0;
        for (int i = 0; i < m.getGraph().getNodeCount(); i++) {
            var node = m.getGraph().getNode(i);
            if (!node.getOpType().equals("Gemm") && !node.getOpType().equals("Add")) continue;
            String why = refusal(m, m.getGraph().toBuilder().setNode(i, node.toBuilder().clearInput().addInput(node.getInput(0))));
            assertTrue(why.contains("has 1 input(s) and 1 output(s), where it takes 2"), why);
            layers++;
        }
        assertEquals(2, layers, "both layers' Gemm nodes cut to one input");
    }

    /**
     * A hostile-input review: an 8 MB file of 160 MatMuls of one 1024×2048 weight filled a 1 GB heap, each layer a new
     * copy, its shape and the parameter total checked only once all were read; the error blamed the training config.
     * Now each layer's shape is checked before its values are read: the first takes 784, and the layers together stay
     * within the parameter limit.
     */
    @Test
    void layerShapesAndTheParameterTotalAreCheckedBeforeTheWeightsAreRead() {
        String wide = refusal(chain(1024, 2048, 160), chainGraph(1024, 2048, 160));
        assertTrue(wide.contains(": layer 0 takes 1024 inputs where an MNIST classifier takes 784"), wide);
        String many = refusal(chain(784, 784, 60), chainGraph(784, 784, 60));
        assertTrue(many.contains(": with layer 54 (784×784) its layers hold more than 33,554,432 parameters"), many);
        // The diff's review: 160 Transposes of one 1024×2048 weight, none used, each made a copy at once (a 1 GB heap
        // ran out). A transpose is made only when a layer reads it now: here none, and the graph is refused as usual.
        var g = chainGraph(1024, 2048, 0);
        for (int i = 0; i < 160; i++) {
            g.addNode(onnx.OnnxMl.NodeProto.newBuilder().setOpType("Transpose").setName("t" + i).addInput("W")
                    .addOutput("WT" + i));
        }
        String unused = refusal(chain(1024, 2048, 0), g);
        assertTrue(unused.contains("does not end in a layer's output"), unused);
        // A transposed weight is checked as its layer reads it: [2048×1024]ᵀ for the first layer takes 1024 inputs
        var t = chainGraph(1024, 2048, 0).addNode(onnx.OnnxMl.NodeProto.newBuilder().setOpType("Transpose").setName("t")
                .addInput("W").addOutput("WT")).addNode(onnx.OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("m")
                .addInput("x").addInput("WT").addOutput("h"));
        t.setOutput(0, t.getOutput(0).toBuilder().setName("h"));
        String transposed = refusal(chain(1024, 2048, 0), t);
        assertTrue(transposed.contains(": layer 0 takes 2048 inputs where an MNIST classifier takes 784"), transposed);
    }

    /**
     * A chain of Transposes of one weight: each read followed the chain link by link, and 60,000 of them overflowed
     * the stack (3,000 of a 784×1024 weight took 10 s and 1.1 GB). An even chain is the weight itself, an odd one its
     * transpose.
     */
    @Test
    void aLongChainOfTransposesIsReadAsOneTransposeOrNone() {
        for (int n : new int[]{60_000, 60_001}) {
            var g = chainGraph(784, 10, 0);
            String in = "W";
            for (int i = 0; i < n; i++) {
                g.addNode(onnx.OnnxMl.NodeProto.newBuilder().setOpType("Transpose").setName("t" + i).addInput(in)
                        .addOutput("T" + i));
                in = "T" + i;
            }
            g.addNode(onnx.OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("m").addInput("x").addInput(in)
                    .addOutput("h"));
            g.setOutput(0, g.getOutput(0).toBuilder().setName("h"));
            if (n % 2 == 0) {
                MultiLayerNetwork net = OnnxImport.read(FILE, chain(784, 10, 0).toBuilder().setGraph(g).build(), null);
                assertEquals(784L * 10 + 10, net.numParams(), "the weight itself");
            } else {
                String odd = refusal(chain(784, 10, 0), g);
                assertTrue(odd.contains(": layer 0 takes 10 inputs where an MNIST classifier takes 784"), odd);
            }
        }
    }

    /** A Gemm alpha/beta or an Elu/LeakyRelu alpha of NaN or infinity made the weights NaN: "0 at NaN%". */
    @Test
    void attributesAndScaledWeightsMustBeFinite() throws Exception {
        ModelProto m = exported(network(new org.nd4j.linalg.activations.impl.ActivationELU(1.0)));
        for (String op : new String[]{"Gemm", "Elu"}) {
            for (String attr : op.equals("Gemm") ? new String[]{"alpha", "beta"} : new String[]{"alpha"}) {
                var g = m.getGraph().toBuilder();
                int i = 0;
                while (!g.getNode(i).getOpType().equals(op)) i++;
                g.setNode(i, withFloat(g.getNode(i), attr, op.equals("Elu") ? Float.POSITIVE_INFINITY : Float.NaN));
                String why = refusal(m, g);
                assertTrue(why.contains("(op " + op + ") has the attribute " + attr + " = ")
                        && why.contains("it must be a finite number"), why);
            }
        }
        // Finite attributes whose product with a finite weight overflows float.
        var g = m.getGraph().toBuilder();
        TensorProto weight = g.getInitializer(0);
        byte[] raw = weight.getRawData().toByteArray();
        java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(4 * 5, 100f);
        g.setInitializer(0, weight.toBuilder().setRawData(org.nd4j.shade.protobuf.ByteString.copyFrom(raw)));
        int gemm = 0;
        while (!g.getNode(gemm).getOpType().equals("Gemm") || !g.getNode(gemm).getInput(1).equals(weight.getName())) gemm++;
        g.setNode(gemm, withFloat(g.getNode(gemm), "alpha", 1e38f));
        String overflow = refusal(m, g);
        assertTrue(overflow.contains(": layer 0's weights or bias overflow float"), overflow);
    }

    private static onnx.OnnxMl.NodeProto withFloat(onnx.OnnxMl.NodeProto n, String name, float v) {
        var b = n.toBuilder();
        for (int i = b.getAttributeCount() - 1; i >= 0; i--) if (b.getAttribute(i).getName().equals(name)) b.removeAttribute(i);
        return b.addAttribute(onnx.OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(onnx.OnnxMl.AttributeProto.AttributeType.FLOAT).setF(v)).build();
    }

    /** 20,000,000 empty nodes (40 MB) ran a 1 GB heap out of memory in the parse; now counted first and refused. */
    @Test
    void aGraphOfTooManyNodesIsRefusedBeforeItIsParsed(@TempDir Path tmp) throws Exception {
        byte[] graph = chainGraph(784, 10, 1).build().toByteArray();
        int extra = OnnxImport.MAX_NODES + 1;
        var bytes = new java.io.ByteArrayOutputStream();
        var out = org.nd4j.shade.protobuf.CodedOutputStream.newInstance(bytes);
        out.writeTag(7, org.nd4j.shade.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED); // ModelProto.graph
        out.writeUInt32NoTag(graph.length + 2 * extra);
        out.writeRawBytes(graph);
        for (int i = 0; i < extra; i++) out.writeRawBytes(new byte[]{0x0A, 0}); // GraphProto.node, empty
        out.flush();
        Path file = Files.write(tmp.resolve("nodes.onnx"), bytes.toByteArray());
        UserError e = assertThrows(UserError.class, () -> ModelSource.load(file, null));
        assertTrue(e.getMessage().startsWith("ONNX model " + file + " was rejected: its graphs hold more than 10,000 "
                + "nodes or 50,000 entries in all"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        // The same nodes in a graph inside one node's attribute (an If's branch) counted as one node (a review)
        var inner = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < extra; i++) inner.write(new byte[]{0x0A, 0}); // GraphProto.node, empty
        byte[] attribute = message(6, inner.toByteArray()); // AttributeProto.g
        byte[] node = message(5, attribute); // NodeProto.attribute
        var nested = new java.io.ByteArrayOutputStream();
        nested.write(graph);
        nested.write(message(1, node)); // GraphProto.node
        Path deep = Files.write(tmp.resolve("nested.onnx"), message(7, nested.toByteArray())); // ModelProto.graph
        UserError d = assertThrows(UserError.class, () -> ModelSource.load(deep, null));
        assertTrue(d.getMessage().contains("was rejected: its graphs hold more than 10,000 nodes"), d.getMessage());
    }

    /** Field {@code field} of a message, length-delimited, holding {@code body}. */
    private static byte[] message(int field, byte[] body) throws java.io.IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        var out = org.nd4j.shade.protobuf.CodedOutputStream.newInstance(bytes);
        out.writeTag(field, org.nd4j.shade.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(body.length);
        out.writeRawBytes(body);
        out.flush();
        return bytes.toByteArray();
    }

    /** An ONNX model of {@code n} MatMuls in a chain, every one of the same rows×cols weight (zeros). */
    private static ModelProto chain(int rows, int cols, int n) {
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(onnx.OnnxMl.OperatorSetIdProto.newBuilder()
                .setVersion(17)).setGraph(chainGraph(rows, cols, n)).build();
    }

    private static onnx.OnnxMl.GraphProto.Builder chainGraph(int rows, int cols, int n) {
        var g = onnx.OnnxMl.GraphProto.newBuilder().setName("chain");
        var floatType = onnx.OnnxMl.TypeProto.newBuilder().setTensorType(onnx.OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE));
        g.addInput(onnx.OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(floatType));
        g.addInitializer(TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(rows).addDims(cols).setRawData(org.nd4j.shade.protobuf.ByteString.copyFrom(new byte[4 * rows * cols])));
        String in = "x";
        for (int i = 0; i < n; i++) {
            g.addNode(onnx.OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("m" + i).addInput(in).addInput("W")
                    .addOutput("h" + i));
            in = "h" + i;
        }
        return g.addOutput(onnx.OnnxMl.ValueInfoProto.newBuilder().setName(in).setType(floatType));
    }

    /**
     * The interop review's silent wrong answers: a uint8 input cast to float inside took pixels 0..1 for 0..255 (10%
     * right, against ONNX Runtime's 91%), and a Transpose of a weight was applied whatever its perm said.
     */
    @Test
    void aNonFloatInputAndAnAxisPermutationOtherThanATransposeAreRefused() throws Exception {
        ModelProto m = exported(network(Activation.RELU.getActivationFunction()));
        var input = m.getGraph().getInput(0).toBuilder();
        input.getTypeBuilder().getTensorTypeBuilder().setElemType(TensorProto.DataType.UINT8_VALUE);
        String uint8 = refusal(m, m.getGraph().toBuilder().setInput(0, input));
        assertTrue(uint8.contains("takes its input 'x' as UINT8, where mnist-fcn gives a network float pixels")
                && uint8.contains("--input-scale 0..255"), uint8);

        // The first layer's weight through a Transpose node: [1, 0] (or no perm) is read, [0, 1] is refused.
        var g = m.getGraph().toBuilder();
        TensorProto w = g.getInitializer(0);
        int gemm = 0;
        while (!g.getNode(gemm).getOpType().equals("Gemm")) gemm++;
        OnnxTensors read = new OnnxTensors(FILE);
        read.put(w.getName(), w);
        float[][] weights = read.matrix(w.getName());
        g.setInitializer(0, w.toBuilder().setName("wT").clearDims().addDims(w.getDims(1)).addDims(w.getDims(0))
                .setRawData(raw(OnnxImport.transpose(weights))));
        g.setNode(gemm, g.getNode(gemm).toBuilder().setInput(1, "w"));
        var transpose = onnx.OnnxMl.NodeProto.newBuilder().setOpType("Transpose").setName("t").addInput("wT").addOutput("w");
        g.addNode(0, transpose.build());
        assertEquals(OnnxImport.read(FILE, m, null).params(), OnnxImport.read(FILE, m.toBuilder().setGraph(g).build(),
                null).params(), "no perm: a matrix's transpose, the same network");
        transpose.addAttribute(onnx.OnnxMl.AttributeProto.newBuilder().setName("perm").setType(
                onnx.OnnxMl.AttributeProto.AttributeType.INTS).addInts(0).addInts(1));
        g.setNode(0, transpose.build());
        String perm = refusal(m, g);
        assertTrue(perm.contains("node 't' (op Transpose) permutes a weight's axes as [0, 1]"), perm);
    }

    /**
     * torch.onnx.export writes an Identity of a stored weight where two layers' values are equal (zero biases, say):
     * it was refused as "does not take the previous layer's output". And an Add's bias of one value is broadcast as
     * Gemm's is (it was "adds 1 values to a layer of 10").
     */
    @Test
    void anIdentityOfAWeightAndAOneValueBiasAreRead() throws Exception {
        ModelProto m = exported(network(Activation.RELU.getActivationFunction()));
        var g = m.getGraph().toBuilder();
        int gemm = 0;
        while (!g.getNode(gemm).getOpType().equals("Gemm")) gemm++;
        String weight = g.getNode(gemm).getInput(1);
        g.setNode(gemm, g.getNode(gemm).toBuilder().setInput(1, "tied"));
        g.addNode(0, onnx.OnnxMl.NodeProto.newBuilder().setOpType("Identity").setName("i").addInput(weight)
                .addOutput("tied").build());
        assertEquals(OnnxImport.read(FILE, m, null).params(), OnnxImport.read(FILE, m.toBuilder().setGraph(g).build(),
                null).params(), "the same network");

        var one = chainGraph(784, 10, 1);
        one.addInitializer(TensorProto.newBuilder().setName("b").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(raw(new float[][]{{0.25f}})));
        one.addNode(onnx.OnnxMl.NodeProto.newBuilder().setOpType("Add").setName("a").addInput("h0").addInput("b")
                .addOutput("y"));
        one.setOutput(0, one.getOutput(0).toBuilder().setName("y"));
        MultiLayerNetwork net = OnnxImport.read(FILE, chain(784, 10, 1).toBuilder().setGraph(one).build(), null);
        assertEquals(org.nd4j.linalg.factory.Nd4j.valueArrayOf(new long[]{10}, 0.25f), net.getParam("0_b").reshape(10));
    }

    private static org.nd4j.shade.protobuf.ByteString raw(float[][] m) {
        var b = java.nio.ByteBuffer.allocate(4 * m.length * m[0].length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float[] row : m) for (float v : row) b.putFloat(v);
        return org.nd4j.shade.protobuf.ByteString.copyFrom(b.array());
    }

    /** The message of the one-paragraph refusal of {@code m} with {@code graph}. */
    private static String refusal(ModelProto m, onnx.OnnxMl.GraphProto.Builder graph) {
        UserError e = assertThrows(UserError.class, () -> OnnxImport.read(FILE, m.toBuilder().setGraph(graph).build(), null));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void inputScaleIsFoldedIntoTheFirstLayerAndMetadataWins() throws Exception {
        MultiLayerNetwork net = network(Activation.TANH.getActivationFunction());
        ModelProto m = exported(net);
        UserError clash = assertThrows(UserError.class, () -> OnnxImport.read(FILE, m, "0..255"));
        assertTrue(clash.getMessage().contains("contradicts"), clash.getMessage());
        // Without metadata, the option: a model trained on 0..255 gets mnist-fcn's 0..1 pixels times 255.
        MultiLayerNetwork scaled = OnnxImport.read(FILE, m.toBuilder().clearMetadataProps().build(), "0..255");
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 784);
        assertArrayEquals(net.output(x.mul(255)).reshape(-1).toFloatVector(), scaled.output(x).reshape(-1).toFloatVector(), 1e-4f);
        // A std near 0 overflows the folded weights: said so, not blamed on training (nor a stack trace in evaluate).
        UserError tiny = assertThrows(UserError.class, () -> OnnxImport.read(FILE, m.toBuilder().clearMetadataProps()
                .build(), "mean=0,std=1e-45"));
        assertTrue(tiny.getMessage().contains("makes the first layer's weights overflow float"), tiny.getMessage());
        UserError bad = assertThrows(UserError.class, () -> InputScale.parse("0..100", "--input-scale"));
        assertTrue(bad.getMessage().contains("mean=M,std=S"), bad.getMessage());
    }

    @Test
    void exportCommandWritesEachFormatAskedForAndRefusesOthers() throws Exception {
        Path zip = dir.resolve("model.zip");
        ModelFiles.save(network(Activation.RELU.getActivationFunction()), zip, false, null);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[]{"export", "--model", zip.toString(), "--format", "onnx,keras"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err)));
        assertTrue(err.toString().contains("--format keras") && err.toString().contains("onnx, tf, dl4j"), err.toString());
        assertFalse(Files.exists(dir.resolve("model.onnx")), "nothing written when one format is wrong");
        assertEquals(0, Main.run(new String[]{"export", "--model", zip.toString(), "--format", "onnx", "--format", "tf"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err)));
        assertTrue(Files.size(dir.resolve("model.onnx")) > 4 * 784 * 32 && Files.size(dir.resolve("model.pb")) > 4 * 784 * 32);
        assertEquals(0, Main.run(new String[]{"export", zip.toString(), "--format", "dl4j"}, // the model as the argument
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err)));
        // Beside a run's model.zip, every exported file is one a fresh start of the run moves aside with it.
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) assertTrue(RunFolder.isOutput(f.getFileName().toString()), f.toString());
        }
        // A CLI review: --out another run's folder put this network there under that run's export names
        Path other = Files.createDirectories(dir.resolve("runs").resolve("other"));
        Files.writeString(other.resolve("metrics.json"), "{}");
        Files.writeString(other.resolve(".lock"), "");
        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[]{"export", zip.toString(), "--format", "onnx", "--out", other.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(refused)));
        assertTrue(refused.toString().contains("--out " + other + " is the folder of the run or sweep "
                + other.toRealPath() + ", and " + zip + " is not its model"), refused.toString());
        assertFalse(Files.exists(other.resolve("model.onnx")));
        Path plain = dir.resolve("exports");
        assertEquals(0, Main.run(new String[]{"export", zip.toString(), "--format", "onnx", "--out", plain.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(refused)));
        assertTrue(Files.exists(plain.resolve("model.onnx")), "a folder of no run: written");
        // A checkpoint's export without --out went into checkpoints/, which the run's next fresh start moves aside
        // and the one after deletes
        Path checkpoint = Files.createDirectories(other.resolve("checkpoints")).resolve("epoch-1.zip");
        Files.copy(zip, checkpoint);
        ByteArrayOutputStream beside = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[]{"export", checkpoint.toString(), "--format", "onnx"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(beside)));
        assertTrue(beside.toString().startsWith("error: Beside " + checkpoint + " is inside the run folder "
                + other.toRealPath() + ", in a part a fresh start of that run moves aside or deletes"), beside.toString());
        assertEquals(0, Main.run(new String[]{"export", checkpoint.toString(), "--format", "onnx", "--out",
                plain.toString()}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(beside)));
        assertTrue(Files.exists(plain.resolve("epoch-1.onnx")), "with --out: written");
        // Beside a run's own model.zip under the run's lock: an export raced a fresh start of the run and wrote the old
        // network's model.onnx beside the new model.zip (a folders review). While the run is held it waits its turn.
        Files.copy(zip, other.resolve("model.zip"));
        ByteArrayOutputStream held = new ByteArrayOutputStream();
        try (var lock = dev.mnistfcn.storage.RunLock.acquire(other)) {
            assertEquals(2, Main.run(new String[]{"export", other.resolve("model.zip").toString(), "--format", "onnx"},
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(held)));
        }
        assertTrue(held.toString().contains("is in use by another mnist-fcn run"), held.toString());
        assertEquals(0, Main.run(new String[]{"export", other.resolve("model.zip").toString(), "--format", "onnx"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(held)));
        assertTrue(Files.exists(other.resolve("model.onnx")), "once free: written");
        Folders.deleteTree(dir.resolve("runs"));
        Folders.deleteTree(plain);
        // The .onnx file is a model evaluate/predict/serve read like a zip, and export takes it as input too; inspect,
        // which shows a zip's updater state and metadata, says what to use instead (it said "truncated or not a zip").
        ByteArrayOutputStream inspected = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[]{"inspect", dir.resolve("model.onnx").toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(inspected)));
        assertTrue(inspected.toString().startsWith("error: " + dir.resolve("model.onnx") + " is an ONNX file; inspect "
                + "reads model zips"), inspected.toString());
        var loaded = ModelSource.load(dir.resolve("model.onnx"), null);
        assertEquals(784 * 32 + 32 + 32 * 10 + 10, loaded.network().numParams());
        UserError scale = assertThrows(UserError.class, () -> ModelSource.load(zip, "0..255"));
        assertTrue(scale.getMessage().contains(".onnx models only"), scale.getMessage());
        // A run's folder given as the model means its model.zip (as a folder of no model.zip it is refused: 2).
        assertEquals(0, Main.run(new String[]{"inspect", "--model", dir.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err)), err.toString());
        // The model as the command's one argument too (calibrate ZIP always took it so); two different ones: 2.
        assertEquals(0, Main.run(new String[]{"inspect", zip.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err)), err.toString());
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[]{"evaluate", "--model", zip.toString(), dir.resolve("model.onnx").toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(two)));
        assertTrue(two.toString().startsWith("error: Two models given: --model " + zip), two.toString());
        // An .onnx model exported as ONNX into its own folder would be written over itself (a user's PyTorch export,
        // replaced by mnist-fcn's): refused, the file untouched; into another folder it is fine.
        Path onnx = dir.resolve("model.onnx");
        byte[] before = Files.readAllBytes(onnx);
        ByteArrayOutputStream self = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[]{"export", onnx.toString(), "--format", "onnx,tf"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(self)));
        assertEquals("error: export --format onnx would write " + onnx + " over itself, the model it reads. Give "
                + "another folder with --out DIR.", self.toString().strip());
        assertArrayEquals(before, Files.readAllBytes(onnx));
        Path link = Files.createSymbolicLink(dir.resolve("link"), dir); // the same folder by another name
        assertEquals(2, Main.run(new String[]{"export", link.resolve("model.onnx").toString(), "--format", "onnx",
                "--out", dir.toString()}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(self)));
        assertArrayEquals(before, Files.readAllBytes(onnx));
        Files.delete(link);
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        assertEquals(0, Main.run(new String[]{"export", onnx.toString(), "--format", "onnx", "--out", elsewhere.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(self)), self.toString());
        assertTrue(Files.isRegularFile(elsewhere.resolve("model.onnx")));
        // An .onnx made into an inference zip: inspect says where such a zip without a training record comes from.
        assertEquals(0, Main.run(new String[]{"export", onnx.toString(), "--format", "dl4j", "--out", elsewhere.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(self)), self.toString());
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[]{"inspect", elsewhere.resolve("model-inference.zip").toString()},
                new PrintStream(shown), new PrintStream(self)), self.toString());
        assertTrue(shown.toString().contains("metadata: none (no training record: written elsewhere, or converted from "
                + "an .onnx by export)"), shown.toString());
        // --out naming a file, or a folder that cannot be written: one paragraph, not a stack trace.
        for (String out : new String[]{zip.toString(), "/proc"}) {
            ByteArrayOutputStream outErr = new ByteArrayOutputStream();
            assertEquals(2, Main.run(new String[]{"export", "--model", zip.toString(), "--format", "onnx", "--out", out},
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(outErr)));
            String text = outErr.toString();
            assertTrue(text.startsWith(out.equals("/proc") ? "error: Cannot write the exported model to /proc (" :
                    "error: --out " + zip + " is a file, not a folder."), text);
            assertEquals(1, text.strip().lines().count(), text);
        }
    }

    /** A stranger's huge file is refused from its size, before it is read (a sparse file: no disk is used). */
    @Test
    void aFileOverTheLimitIsRefusedUnread(@TempDir Path dir) throws Exception {
        Path huge = dir.resolve("huge.onnx");
        try (var file = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(OnnxImport.MAX_FILE_BYTES + 1);
        }
        UserError e = assertThrows(UserError.class, () -> ModelSource.load(huge, null));
        assertTrue(e.getMessage().startsWith("ONNX model " + huge + " was rejected: it is " + (OnnxImport.MAX_FILE_BYTES + 1)
                + " bytes"), e.getMessage());
        // A pipe would block the read until something writes to it: refused as not a regular file.
        Path fifo = dir.resolve("model.onnx");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        UserError pipe = assertThrows(UserError.class, () -> ModelSource.load(fifo, null));
        assertEquals("ONNX model " + fifo + " is not a regular file (a device, pipe or socket). Give the path of a .onnx "
                + "file.", pipe.getMessage());
        // A link that leads nowhere is said to be one, as for a model zip.
        Path gone = Files.createSymbolicLink(dir.resolve("gone.onnx"), Path.of("/nonexistent/model.onnx"));
        assertEquals("ONNX model " + gone + " is a link to /nonexistent/model.onnx that leads nowhere: its target is "
                + "missing, or links loop. Give the path of a .onnx file.",
                assertThrows(UserError.class, () -> ModelSource.load(gone, null)).getMessage());
    }
}
