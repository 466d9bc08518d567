package dev.mnistfcn.interop;

import dev.mnistfcn.UserError;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.shade.protobuf.ByteString;
import org.tensorflow.framework.AttrValue;
import org.tensorflow.framework.DataType;
import org.tensorflow.framework.GraphDef;
import org.tensorflow.framework.NodeDef;
import org.tensorflow.framework.TensorProto;
import org.tensorflow.framework.TensorShapeProto;
import org.tensorflow.framework.VersionDef;

/**
 * A network as the tutorial's frozen graph: a binary {@code GraphDef} with the placeholder {@code x} float [?, 784],
 * weights as {@code Const} nodes, {@code MatMul} + {@code Add} and the activation per layer, and the softmax output
 * {@code pred}, so that {@code tf.compat.v1.import_graph_def} and the tutorial's own reading code load it. Built with
 * the TensorFlow protobuf classes that nd4j-api ships.
 */
public final class TfExport {
    public static final String INPUT = "x";
    public static final String OUTPUT = "pred";
    /** The GraphDef version TensorFlow 1.15 writes; TF 2.x reads graphs of any version from 0 on. */
    static final int PRODUCER = 134;
    private static final AttrValue T = AttrValue.newBuilder().setType(DataType.DT_FLOAT).build();

    private TfExport() {
    }

    public static byte[] toBytes(MultiLayerNetwork net, String source) {
        DenseStack stack = DenseStack.of(net, source);
        GraphDef.Builder g = GraphDef.newBuilder().setVersions(VersionDef.newBuilder().setProducer(PRODUCER));
        g.addNode(NodeDef.newBuilder().setName(INPUT).setOp("Placeholder")
                .putAttr("dtype", T)
                .putAttr("shape", AttrValue.newBuilder().setShape(shape(-1, stack.layers().get(0).nIn())).build()));
        String current = INPUT;
        for (DenseStack.Dense d : stack.layers()) {
            String p = d.name() + "/";
            g.addNode(constant(p + "W", OnnxExport.flat(d.w()), d.nIn(), d.nOut()));
            g.addNode(constant(p + "b", d.b(), d.nOut()));
            g.addNode(op("MatMul", p + "MatMul", current, p + "W")
                    .putAttr("transpose_a", AttrValue.newBuilder().setB(false).build())
                    .putAttr("transpose_b", AttrValue.newBuilder().setB(false).build()));
            g.addNode(op("Add", p + "add", p + "MatMul", p + "b"));
            current = activation(g, d, p + "add", source);
        }
        return g.build().toByteArray();
    }

    private static String activation(GraphDef.Builder g, DenseStack.Dense d, String z, String source) {
        String a = d.act() == DenseStack.Act.SOFTMAX ? OUTPUT : d.name() + "/act";
        switch (d.act()) {
            case IDENTITY -> {
                return z;
            }
            case RELU -> g.addNode(op("Relu", a, z));
            case TANH -> g.addNode(op("Tanh", a, z));
            case SIGMOID -> g.addNode(op("Sigmoid", a, z));
            case SOFTPLUS -> g.addNode(op("Softplus", a, z));
            case SOFTSIGN -> g.addNode(op("Softsign", a, z));
            case SELU -> g.addNode(op("Selu", a, z));
            case RELU6 -> g.addNode(op("Relu6", a, z));
            case SOFTMAX -> g.addNode(op("Softmax", a, z));
            case LEAKYRELU -> g.addNode(op("LeakyRelu", a, z)
                    .putAttr("alpha", AttrValue.newBuilder().setF((float) d.alpha()).build()));
            case ELU -> {
                if (d.alpha() != 1.0) {
                    // the graph's own name (dense0) appears nowhere the user looks; the layer's index does
                    throw new UserError("Cannot export " + source + " as a TensorFlow graph: its layer "
                            + d.name().substring("dense".length()) + " uses ELU with alpha " + d.alpha() + ", and TensorFlow's Elu has alpha 1 only. Export it "
                            + "as ONNX (Elu takes alpha) instead; see docs/interop.md.");
                }
                g.addNode(op("Elu", a, z));
            }
            case HARDTANH -> {
                g.addNode(constant(a + "/min", new float[]{-1}));
                g.addNode(constant(a + "/max", new float[]{1}));
                g.addNode(op("ClipByValue", a, z, a + "/min", a + "/max"));
            }
            case SWISH -> {
                g.addNode(op("Sigmoid", a + "/sigmoid", z));
                g.addNode(op("Mul", a, z, a + "/sigmoid"));
            }
        }
        return a;
    }

    /** A float op: every one used here has the type attribute {@code T}. */
    private static NodeDef.Builder op(String type, String name, String... inputs) {
        NodeDef.Builder n = NodeDef.newBuilder().setName(name).setOp(type).putAttr("T", T);
        for (String i : inputs) n.addInput(i);
        return n;
    }

    /** A float constant, row-major little-endian content (TensorFlow's layout on every machine it runs on). */
    private static NodeDef.Builder constant(String name, float[] values, long... dims) {
        TensorProto t = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(dims))
                .setTensorContent(ByteString.copyFrom(OnnxExport.littleEndian(values))).build();
        return NodeDef.newBuilder().setName(name).setOp("Const")
                .putAttr("dtype", T)
                .putAttr("value", AttrValue.newBuilder().setTensor(t).build());
    }

    private static TensorShapeProto shape(long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        return s.build();
    }
}
