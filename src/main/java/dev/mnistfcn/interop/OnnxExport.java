package dev.mnistfcn.interop;

import onnx.OnnxMl.AttributeProto;
import onnx.OnnxMl.GraphProto;
import onnx.OnnxMl.ModelProto;
import onnx.OnnxMl.NodeProto;
import onnx.OnnxMl.OperatorSetIdProto;
import onnx.OnnxMl.StringStringEntryProto;
import onnx.OnnxMl.TensorProto;
import onnx.OnnxMl.TensorShapeProto;
import onnx.OnnxMl.TypeProto;
import onnx.OnnxMl.ValueInfoProto;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.shade.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A network as an ONNX {@code ModelProto} (IR version {@value #IR_VERSION}, default-domain opset {@value #OPSET}):
 * input {@code x} float [N, 784] (pixels 0..1), one {@code Gemm} per layer (weights as initializers, [nIn, nOut] as
 * DL4J keeps them), its activation, and {@code Softmax} giving {@code probabilities} [N, 10]. Built with the ONNX
 * protobuf classes that nd4j-api ships ({@code onnx.OnnxMl}).
 */
public final class OnnxExport {
    /** IR version 8 (ONNX 1.10+), the newest the protobuf classes in nd4j-api 1.0.0-M2.1 describe. */
    public static final int IR_VERSION = 8;
    /** Opset 13: Softmax over the last axis, Clip with min/max inputs; every ONNX Runtime since 1.6 runs it. */
    public static final int OPSET = 13;
    public static final String INPUT = "x";
    public static final String OUTPUT = "probabilities";
    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

    private OnnxExport() {
    }

    /**
     * The model's bytes; {@code metadata} becomes its {@code metadata_props} (with the input convention added).
     * {@code source} names the model in a refusal.
     */
    public static byte[] toBytes(MultiLayerNetwork net, Map<String, String> metadata, String source) {
        DenseStack stack = DenseStack.of(net, source);
        GraphProto.Builder g = GraphProto.newBuilder().setName("mnist-fcn");
        int nIn = stack.layers().get(0).nIn();
        g.addInput(value(INPUT, nIn));
        String current = INPUT;
        for (DenseStack.Dense d : stack.layers()) {
            g.addInitializer(tensor(d.name() + ".W", flat(d.w()), d.nIn(), d.nOut()));
            g.addInitializer(tensor(d.name() + ".b", d.b(), d.nOut()));
            String z = d.name() + ".z";
            g.addNode(node("Gemm", d.name() + ".gemm", z, current, d.name() + ".W", d.name() + ".b"));
            current = activation(g, d, z);
        }
        g.addOutput(value(OUTPUT, stack.layers().get(stack.layers().size() - 1).nOut()));
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("mnist-fcn")
                .setProducerVersion("0.1.0")
                .setDocString("MNIST classifier: x = 784 pixels, row by row, white digit on black, 0..1; "
                        + "probabilities = the 10 digits' softmax.")
                .setGraph(g);
        Map<String, String> props = new LinkedHashMap<>(metadata);
        props.put(InputScale.METADATA_KEY, InputScale.UNIT.toString());
        props.put("input_convention", InputScale.CONVENTION);
        props.forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build().toByteArray();
    }

    /** The activation's node(s) after {@code z}; returns the tensor that carries on. */
    private static String activation(GraphProto.Builder g, DenseStack.Dense d, String z) {
        String a = d.act() == DenseStack.Act.SOFTMAX ? OUTPUT : d.name() + ".a";
        String n = d.name() + ".act";
        switch (d.act()) {
            case IDENTITY -> {
                return z;
            }
            case RELU -> g.addNode(node("Relu", n, a, z));
            case TANH -> g.addNode(node("Tanh", n, a, z));
            case SIGMOID -> g.addNode(node("Sigmoid", n, a, z));
            case SOFTPLUS -> g.addNode(node("Softplus", n, a, z));
            case SOFTSIGN -> g.addNode(node("Softsign", n, a, z));
            case SELU -> g.addNode(node("Selu", n, a, z)); // ONNX's default α and γ are DL4J's (Klambauer et al.)
            case ELU -> g.addNode(node("Elu", n, a, z).addAttribute(floatAttr("alpha", d.alpha())));
            case LEAKYRELU -> g.addNode(node("LeakyRelu", n, a, z).addAttribute(floatAttr("alpha", d.alpha())));
            case RELU6, HARDTANH -> {
                float lo = d.act() == DenseStack.Act.RELU6 ? 0 : -1;
                float hi = d.act() == DenseStack.Act.RELU6 ? 6 : 1;
                g.addInitializer(tensor(n + ".min", new float[]{lo}));
                g.addInitializer(tensor(n + ".max", new float[]{hi}));
                g.addNode(node("Clip", n, a, z, n + ".min", n + ".max"));
            }
            case SWISH -> {
                g.addNode(node("Sigmoid", n + ".sigmoid", n + ".s", z));
                g.addNode(node("Mul", n, a, z, n + ".s"));
            }
            case SOFTMAX -> g.addNode(node("Softmax", n, a, z).addAttribute(AttributeProto.newBuilder()
                    .setName("axis").setType(AttributeProto.AttributeType.INT).setI(-1)));
        }
        return a;
    }

    private static NodeProto.Builder node(String op, String name, String output, String... inputs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String i : inputs) n.addInput(i);
        return n;
    }

    private static AttributeProto floatAttr(String name, double v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF((float) v).build();
    }

    /** A float [N, width] graph input or output, N left symbolic. */
    private static ValueInfoProto value(String name, int width) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width))
                .build();
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape)))
                .build();
    }

    /** A float tensor, row-major, as little-endian raw data (ONNX's layout); no dims: a scalar. */
    private static TensorProto tensor(String name, float[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT);
        for (long d : dims) t.addDims(d);
        return t.setRawData(ByteString.copyFrom(littleEndian(values))).build();
    }

    static byte[] littleEndian(float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return buf.array();
    }

    static float[] flat(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, out, i * rows[i].length, rows[i].length);
        return out;
    }
}
