package dev.mnistfcn.interop;

import dev.mnistfcn.Mnist;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ModelSpec;
import dev.mnistfcn.storage.ModelFiles;
import onnx.OnnxMl.AttributeProto;
import onnx.OnnxMl.GraphProto;
import onnx.OnnxMl.ModelProto;
import onnx.OnnxMl.NodeProto;
import onnx.OnnxMl.OperatorSetIdProto;
import onnx.OnnxMl.StringStringEntryProto;
import onnx.OnnxMl.TensorProto;
import onnx.OnnxMl.ValueInfoProto;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.shade.protobuf.CodedInputStream;
import org.nd4j.shade.protobuf.WireFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An ONNX file holding a fully-connected MNIST classifier, as {@code torch.onnx.export} and tf2onnx write one, read
 * into a DL4J network: {@code Gemm} or {@code MatMul} + {@code Add} per layer (weights from initializers or
 * {@code Constant}s, a constant {@code Transpose} or {@code Identity} folded), {@code Relu}, {@code Tanh},
 * {@code Sigmoid}, {@code Elu}, {@code LeakyRelu} after a layer, {@code Softmax} or raw logits at the end,
 * {@code Flatten}/{@code Reshape} of the picture before the first layer (its target shape may be computed from
 * {@code Shape}, as Keras writes it),
 * {@code Identity}/{@code Dropout}/float {@code Cast} anywhere; default-domain opsets 13–21. Anything
 * else is refused, naming the op. The model's input convention is folded into the first layer's weights, so the
 * network takes mnist-fcn's pixels (0..1) like any other.
 */
final class OnnxImport {
    static final int MIN_OPSET = 13;
    static final int MAX_OPSET = 21;
    /** 128 M float weights: far past any MLP on 784 pixels (tuned.yaml's 1.86 M), and well inside a 1 GiB heap. */
    static final long MAX_FILE_BYTES = 512L << 20;
    /** Graph nodes read at most: Keras's exports, the wordiest, give an MLP a few dozen. */
    static final int MAX_NODES = 10_000;
    /** Entries of the model and its graphs (nodes, initializers, inputs, outputs, value infos…) read at most. */
    static final int MAX_ENTRIES = 50_000;
    /** The metadata_props key naming the dataset a model was trained on; {@link ModelExport} writes it. */
    static final String DATASET_KEY = "dataset";
    static final Set<String> ACTIVATIONS = Set.of("Relu", "Tanh", "Sigmoid", "Elu", "LeakyRelu", "Softmax");
    /** Ops that compute a Reshape's target from the input's Shape (Keras's Flatten, batch size left open). */
    static final Set<String> SHAPE_OPS = Set.of("Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast");

    private OnnxImport() {
    }

    /** A layer being read: {@code x·w + b}, then {@code act} (null until an activation op is seen). */
    private static final class Layer {
        float[][] w;
        float[] b;
        String act;
        double alpha;
        boolean biasAdded;
    }

    static ModelFiles.Loaded load(Path file, String inputScaleOption) {
        if (Files.isDirectory(file)) {
            throw new UserError(file + " is a folder, not an ONNX model. Give the path of a .onnx file.");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) { // a pipe would block the read until someone writes
            throw new UserError("ONNX model " + file + " is not a regular file (a device, pipe or socket). Give the path "
                    + "of a .onnx file.");
        }
        if (!Files.exists(file)) {
            String link = UserError.brokenLink(file);
            if (link != null) throw new UserError("ONNX model " + file + " is " + link + ". Give the path of a .onnx file.");
            throw new UserError("ONNX model " + file.toAbsolutePath() + " does not exist. Check the path (an .onnx file "
                    + "as torch.onnx.export or mnist-fcn's export --format onnx writes it).");
        }
        byte[] bytes;
        try {
            // Read whole to parse: bounded first, so a stranger's huge file is refused, not an out-of-memory.
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new UserError("ONNX model " + file + " was rejected: it is " + Files.size(file) + " bytes, over the "
                        + MAX_FILE_BYTES + " bytes of the largest fully-connected MNIST classifier mnist-fcn reads.");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError("ONNX model " + file.toAbsolutePath() + " cannot be read (" + UserError.reason(e) + "). "
                    + "Check the path.");
        }
        if (bytes.length == 0) {
            throw new UserError("ONNX model " + file + " is empty (0 bytes): a copy cut short, or not written yet.");
        }
        ModelProto model;
        try {
            refuseHugeGraphs(file, bytes);
            model = ModelProto.parseFrom(bytes);
        } catch (IOException e) { // from bytes in memory: only an InvalidProtocolBufferException
            throw new UserError("ONNX model " + file + " is not an ONNX protobuf (" + e.getMessage() + "). It may be "
                    + "cut short or a file of another kind; give a .onnx file as torch.onnx.export or tf2onnx write it.");
        }
        return new ModelFiles.Loaded(read(file, model, inputScaleOption), Optional.empty(), false, bytes.length,
                Optional.empty(), Optional.empty(), metadata(model, DATASET_KEY));
    }

    /**
     * Counts the nodes and other entries (initializers, inputs, outputs, value infos, attributes) of every graph from
     * the bytes, before the parse makes an object of each: a 40 MB file of 20,000,000 empty nodes ran a 1 GB heap out
     * of memory in it. Graphs inside graphs (an If's or Loop's attribute, a function, training info) count too.
     */
    private static void refuseHugeGraphs(Path file, byte[] bytes) throws IOException {
        long[] counted = new long[2]; // nodes, entries
        count(CodedInputStream.newInstance(bytes), Message.MODEL, counted, 0);
        if (counted[0] > MAX_NODES || counted[1] > MAX_ENTRIES) {
            throw new UserError(String.format(java.util.Locale.ROOT, "ONNX model %s was rejected: its graphs hold more "
                    + "than %,d nodes or %,d entries in all, the most mnist-fcn reads (a fully-connected MNIST classifier "
                    + "has a few dozen); a damaged or forged file.", file, MAX_NODES, MAX_ENTRIES));
        }
    }

    /** The ONNX messages that can hold nodes, and which of their fields hold which (onnx.proto's field numbers). */
    private enum Message {
        MODEL, GRAPH, NODE, ATTRIBUTE, FUNCTION, TRAINING_INFO;

        Message child(int field) {
            return switch (this) {
                case MODEL -> field == 7 ? GRAPH : field == 20 ? TRAINING_INFO : field == 25 ? FUNCTION : null;
                case GRAPH -> field == 1 ? NODE : null;
                case NODE -> field == 5 ? ATTRIBUTE : null;
                case ATTRIBUTE -> field == 6 || field == 11 ? GRAPH : null;
                case FUNCTION -> field == 7 ? NODE : field == 11 ? ATTRIBUTE : null;
                case TRAINING_INFO -> field == 1 || field == 2 ? GRAPH : null;
            };
        }
    }

    /** Adds the nodes and entries of the {@code kind} message {@code in} is at to {@code counted}. */
    private static void count(CodedInputStream in, Message kind, long[] counted, int depth) throws IOException {
        if (depth > 100) throw new IOException("messages nested over 100 deep"); // protobuf's own parse limit
        if (kind == Message.NODE) counted[0]++;
        while (counted[0] <= MAX_NODES && counted[1] <= MAX_ENTRIES) { // over: stop reading, at every level
            int tag = in.readTag();
            if (tag == 0) break;
            counted[1]++;
            Message child = kind.child(WireFormat.getTagFieldNumber(tag));
            if (child == null || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                in.skipField(tag);
                continue;
            }
            int outer = in.pushLimit(in.readRawVarint32());
            count(in, child, counted, depth + 1);
            in.popLimit(outer);
        }
    }

    static MultiLayerNetwork read(Path file, ModelProto model, String inputScaleOption) {
        checkOpset(file, model);
        GraphProto g = model.getGraph();
        OnnxTensors constants = new OnnxTensors(file);
        for (TensorProto t : g.getInitializerList()) constants.put(t.getName(), t);
        List<ValueInfoProto> inputs = g.getInputList().stream().filter(i -> !constants.has(i.getName())).toList();
        if (inputs.size() != 1 || g.getOutputCount() != 1) {
            throw new UserError("ONNX model " + file + " has " + inputs.size() + " input(s) and " + g.getOutputCount()
                    + " output(s); an MNIST classifier has one of each (the picture in, the 10 digit scores out).");
        }
        String current = inputs.get(0).getName();
        // mnist-fcn feeds float pixels; a uint8 input cast to float inside took pixels 0..1 for 0..255 (10% right).
        int type = inputs.get(0).getType().getTensorType().getElemType();
        if (inputs.get(0).getType().hasTensorType() && type != TensorProto.DataType.FLOAT_VALUE) {
            throw new UserError("ONNX model " + file + " takes its input '" + current + "' as "
                    + TensorProto.DataType.forNumber(type) + ", where mnist-fcn gives a network float pixels. Export it "
                    + "with a float input (a network trained on pixels 0..255 then takes --input-scale 0..255).");
        }
        List<Layer> layers = new ArrayList<>();
        int width = Mnist.PIXELS; // what the next layer must take
        long parameters = 0;
        Set<String> shapes = new HashSet<>();
        for (NodeProto n : g.getNodeList()) {
            String op = n.getOpType();
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw unsupported(file, n, "is in the operator domain '" + n.getDomain() + "'");
            }
            int needs = op.equals("Constant") ? 0 : op.equals("Add") || op.equals("MatMul") || op.equals("Gemm") ? 2 : 1;
            if (n.getInputCount() < needs || n.getOutputCount() < 1) {
                throw unsupported(file, n, "has " + n.getInputCount() + " input(s) and " + n.getOutputCount()
                        + " output(s), where it takes " + needs + " and gives one (a damaged file?)");
            }
            if (op.equals("Constant")) {
                constants.put(n.getOutput(0), attribute(n, "value").map(AttributeProto::getT)
                        .orElseThrow(() -> unsupported(file, n, "has no tensor 'value' (sparse or scalar-list constants are not read)")));
                continue;
            }
            if (op.equals("Shape") || SHAPE_OPS.contains(op) && n.getInputList().stream()
                    .allMatch(i -> shapes.contains(i) || constants.has(i))) {
                // Only ever a Reshape's second input: the picture's own values do not flow through here.
                shapes.addAll(n.getOutputList());
                continue;
            }
            if (op.equals("Transpose") && constants.has(n.getInput(0))) {
                List<Long> perm = attribute(n, "perm").map(AttributeProto::getIntsList).orElse(List.of(1L, 0L));
                if (!perm.equals(List.of(1L, 0L))) {
                    throw unsupported(file, n, "permutes a weight's axes as " + perm + " (only a matrix's [1, 0] is read)");
                }
                if (constants.has(n.getOutput(0))) throw unsupported(file, n, "gives a name already given to a weight");
                constants.putTransposed(n.getOutput(0), n.getInput(0));
                continue;
            }
            if (op.equals("Identity") && constants.has(n.getInput(0))) { // torch.onnx.export's for equal weights
                if (constants.has(n.getOutput(0))) throw unsupported(file, n, "gives a name already given to a weight");
                constants.putSame(n.getOutput(0), n.getInput(0));
                continue;
            }
            if (n.getInputCount() == 0 || !n.getInput(0).equals(current) && !(op.equals("Add") && n.getInput(1).equals(current))) {
                throw unsupported(file, n, "does not take the previous layer's output as its first input (only a chain of "
                        + "layers is read)");
            }
            Layer last = layers.isEmpty() ? null : layers.get(layers.size() - 1);
            switch (op) {
                case "Flatten", "Reshape" -> {
                    if (last != null) throw unsupported(file, n, "comes after the first layer (only the picture is flattened)");
                }
                case "Identity", "Dropout" -> {
                    // inference: the identity
                }
                case "Cast" -> {
                    // Keras's exports cast float to float around every op; any other type is not an MLP's.
                    if (attribute(n, "to").map(AttributeProto::getI).orElse(0L) != TensorProto.DataType.FLOAT_VALUE) {
                        throw unsupported(file, n, "casts the values to another type than float");
                    }
                }
                case "Gemm" -> {
                    boolean transposed = attribute(n, "transB").map(AttributeProto::getI).orElse(0L) != 0;
                    parameters = checked(file, layers.size(), constants.dims(n.getInput(1)), transposed, width, parameters);
                    layers.add(gemm(file, n, constants));
                    width = layers.get(layers.size() - 1).w[0].length;
                }
                case "MatMul" -> {
                    parameters = checked(file, layers.size(), constants.dims(n.getInput(1)), false, width, parameters);
                    Layer l = new Layer();
                    l.w = constants.matrix(n.getInput(1));
                    width = l.w[0].length;
                    l.b = new float[l.w[0].length];
                    layers.add(l);
                }
                case "Add" -> {
                    if (last == null || last.act != null || last.biasAdded) {
                        throw unsupported(file, n, "adds to something other than a MatMul's output (only a layer's bias is read)");
                    }
                    float[] b = constants.vector(n.getInput(0).equals(current) ? n.getInput(1) : n.getInput(0));
                    if (b.length != last.b.length && b.length != 1) {
                        throw unsupported(file, n, "adds " + b.length + " values to a layer of " + last.b.length);
                    }
                    for (int j = 0; j < last.b.length; j++) last.b[j] += b[b.length == 1 ? 0 : j]; // one: broadcast, as Gemm's C
                    last.biasAdded = true;
                }
                default -> {
                    if (!ACTIVATIONS.contains(op)) {
                        throw unsupported(file, n, "is not one of the ops read here");
                    }
                    if (last == null || last.act != null) {
                        throw unsupported(file, n, "is not right after a layer (Gemm, or MatMul + Add)");
                    }
                    last.act = op;
                    if (op.equals("Elu")) last.alpha = finite(file, n, "alpha", 1f);
                    if (op.equals("LeakyRelu")) last.alpha = finite(file, n, "alpha", 0.01f);
                    if (op.equals("Softmax")) {
                        long axis = attribute(n, "axis").map(AttributeProto::getI).orElse(-1L);
                        if (axis != -1 && axis != 1) throw unsupported(file, n, "takes the softmax over axis " + axis + ", not the classes");
                    }
                }
            }
            current = n.getOutput(0);
        }
        if (layers.isEmpty() || !g.getOutput(0).getName().equals(current)) {
            throw new UserError("ONNX model " + file + " does not end in a layer's output: its graph output '"
                    + g.getOutput(0).getName() + "' is not the last op of a chain of Gemm/MatMul layers.");
        }
        InputScale scale = inputScale(file, model, inputScaleOption);
        return network(file, layers, scale);
    }

    private static void checkOpset(Path file, ModelProto model) {
        // ONNX requires the default domain's opset: without one, which version's operators the file means is unsaid
        if (model.getOpsetImportList().stream().noneMatch(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))) {
            throw new UserError("ONNX model " + file + " declares no opset for ONNX's own operators (its opset_import "
                    + "lacks the default domain), so which version of them it means is unknown; mnist-fcn reads opsets "
                    + MIN_OPSET + " to " + MAX_OPSET + ". Export it again (torch.onnx.export(..., opset_version=17), "
                    + "tf2onnx --opset 17).");
        }
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if ((o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                    && (o.getVersion() < MIN_OPSET || o.getVersion() > MAX_OPSET)) {
                throw new UserError("ONNX model " + file + " uses opset " + o.getVersion() + "; mnist-fcn reads opsets "
                        + MIN_OPSET + " to " + MAX_OPSET + ". Export it again with one of those (torch.onnx.export(..., "
                        + "opset_version=17), tf2onnx --opset 17).");
            }
        }
    }

    /**
     * Layer {@code index}'s weight of shape {@code dims} ({@code transposed}: Gemm's transB), checked before its values
     * are read: it takes what the layer before gives ({@code inputs}), and with the layers before ({@code parameters})
     * stays within a network's parameter limit (ModelSpec.MAX_PARAMETERS, as for a config); returns the new total.
     * Checked only once every layer was read, an 8 MB file of 160 MatMuls of one 1024×2048 weight filled the heap, and
     * the error blamed the training config.
     */
    private static long checked(Path file, int index, long[] dims, boolean transposed, int inputs, long parameters) {
        if (dims.length != 2 || Arrays.stream(dims).anyMatch(d -> d < 1 || d > ModelSpec.MAX_PARAMETERS)) {
            return parameters; // OnnxTensors.matrix names it
        }
        long rows = transposed ? dims[1] : dims[0], cols = transposed ? dims[0] : dims[1];
        if (rows != inputs) {
            throw new UserError("ONNX model " + file + ": layer " + index + " takes " + rows + " inputs where "
                    + (index == 0 ? "an MNIST classifier takes 784 (28×28 pixels)" : "the layer before gives " + inputs) + ".");
        }
        if (parameters + rows * cols + cols > ModelSpec.MAX_PARAMETERS) {
            throw new UserError("ONNX model " + file + ": with layer " + index + " (" + rows + "×" + cols + ") its "
                    + "layers hold more than " + String.format(java.util.Locale.ROOT, "%,d", ModelSpec.MAX_PARAMETERS)
                    + " parameters, the most a network here may have; it is not an MNIST MLP.");
        }
        return parameters + rows * cols + cols;
    }

    private static Layer gemm(Path file, NodeProto n, OnnxTensors constants) {
        if (attribute(n, "transA").map(AttributeProto::getI).orElse(0L) != 0) {
            throw unsupported(file, n, "transposes its input (transA=1)");
        }
        Layer l = new Layer();
        float[][] w = constants.matrix(n.getInput(1));
        l.w = attribute(n, "transB").map(AttributeProto::getI).orElse(0L) != 0 ? transpose(w) : w;
        float alpha = finite(file, n, "alpha", 1f);
        float beta = finite(file, n, "beta", 1f);
        for (float[] row : l.w) for (int j = 0; j < row.length; j++) row[j] *= alpha;
        int nOut = l.w[0].length;
        l.b = new float[nOut];
        if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
            float[] c = constants.vector(n.getInput(2));
            if (c.length != nOut && c.length != 1) throw unsupported(file, n, "has a bias of " + c.length + " values for " + nOut + " outputs");
            for (int j = 0; j < nOut; j++) l.b[j] = beta * c[c.length == 1 ? 0 : j];
        }
        l.biasAdded = true;
        return l;
    }

    /** The value of {@code key} in the file's metadata_props. */
    private static Optional<String> metadata(ModelProto model, String key) {
        return model.getMetadataPropsList().stream().filter(p -> p.getKey().equals(key))
                .map(StringStringEntryProto::getValue).findFirst();
    }

    /** The file's input_scale metadata, else the option, else 0..1; both and different: the user decides. */
    private static InputScale inputScale(Path file, ModelProto model, String option) {
        Optional<String> fromFile = metadata(model, InputScale.METADATA_KEY);
        InputScale meta = fromFile.map(v -> InputScale.parse(v, "The metadata input_scale of " + file)).orElse(null);
        InputScale given = option == null ? null : InputScale.parse(option, "--input-scale");
        if (meta != null && given != null && !meta.equals(given)) {
            throw new UserError("The input scale " + given + " (--input-scale or -Dinput.scale) contradicts ONNX model "
                    + file + ", whose metadata says input_scale " + meta + ". Leave it out to use the file's, or fix the "
                    + "file's metadata.");
        }
        return meta != null ? meta : given != null ? given : InputScale.UNIT;
    }

    private static MultiLayerNetwork network(Path file, List<Layer> layers, InputScale scale) {
        for (int i = 0; i < layers.size(); i++) { // the file's are finite (OnnxTensors); alpha, beta or a sum may overflow
            if (!finite(layers.get(i))) {
                throw new UserError("ONNX model " + file + ": layer " + i + "'s weights or bias overflow float once its "
                        + "Gemm alpha/beta are applied and its biases added; a weight must be a finite number (a damaged "
                        + "or forged file).");
            }
        }
        int nIn = Mnist.PIXELS;
        var list = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i); // its input size checked as it was read
            boolean output = i == layers.size() - 1;
            if (output) {
                if (l.act != null && !l.act.equals("Softmax")) {
                    throw new UserError("ONNX model " + file + " ends in " + l.act + " after its last layer; mnist-fcn reads "
                            + "a classifier that ends in raw scores (logits) or Softmax.");
                }
                if (l.w[0].length != Mnist.CLASSES) {
                    throw new UserError("ONNX model " + file + " gives " + l.w[0].length + " outputs; an MNIST "
                            + "classifier gives 10 (digits).");
                }
                // Raw logits and softmax give the same digit; the network shows probabilities, as mnist-fcn's own do.
                list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(nIn).nOut(Mnist.CLASSES)
                        .activation(Activation.SOFTMAX).build());
            } else {
                if ("Softmax".equals(l.act)) {
                    throw new UserError("ONNX model " + file + " has a Softmax after layer " + i + " of " + layers.size()
                            + "; mnist-fcn reads Softmax at the end only.");
                }
                list.layer(new DenseLayer.Builder().nIn(nIn).nOut(l.w[0].length).activation(activation(l)).build());
            }
            nIn = l.w[0].length;
        }
        fold(layers.get(0), scale);
        if (!finite(layers.get(0))) { // the file's weights are finite (OnnxTensors): the scale made them overflow
            throw new UserError("ONNX model " + file + ": the input scale " + scale + " makes the first layer's weights "
                    + "overflow float (a std near 0?). Give the scale the model was trained with, e.g. --input-scale "
                    + "mean=0.1307,std=0.3081 for torchvision's MNIST Normalize.");
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        for (int i = 0; i < layers.size(); i++) {
            net.getLayer(i).setParam("W", Nd4j.create(layers.get(i).w));
            net.getLayer(i).setParam("b", Nd4j.create(layers.get(i).b, new long[]{1, layers.get(i).b.length}, DataType.FLOAT));
        }
        return net;
    }

    /** (p·m + c)·W + b = p·(m·W) + (b + c·ΣW): the model's input convention moved into its first layer. */
    private static void fold(Layer first, InputScale s) {
        for (int j = 0; j < first.b.length; j++) {
            double sum = 0;
            for (float[] row : first.w) sum += row[j];
            first.b[j] = (float) (first.b[j] + s.offset() * sum);
        }
        for (float[] row : first.w) for (int j = 0; j < row.length; j++) row[j] = (float) (row[j] * s.multiplier());
    }

    private static IActivation activation(Layer l) {
        if (l.act == null) return Activation.IDENTITY.getActivationFunction();
        return switch (l.act) {
            case "Relu" -> Activation.RELU.getActivationFunction();
            case "Tanh" -> Activation.TANH.getActivationFunction();
            case "Sigmoid" -> Activation.SIGMOID.getActivationFunction();
            case "Elu" -> new ActivationELU(l.alpha);
            case "LeakyRelu" -> new ActivationLReLU(l.alpha);
            default -> throw new IllegalStateException("unchecked activation " + l.act);
        };
    }

    /**
     * The float attribute {@code name}, else {@code otherwise}; refused unless finite: a Gemm alpha of NaN made every
     * weight NaN, and predict answered "0 at NaN%".
     */
    private static float finite(Path file, NodeProto n, String name, float otherwise) {
        float v = attribute(n, name).map(AttributeProto::getF).orElse(otherwise);
        if (!Float.isFinite(v)) {
            String node = !n.getName().isEmpty() ? "'" + n.getName() + "'"
                    : n.getOutputCount() > 0 ? "that gives '" + n.getOutput(0) + "'" : "without a name";
            throw new UserError("ONNX model " + file + " cannot be read: its node " + node + " (op " + n.getOpType()
                    + ") has the attribute " + name + " = " + v + "; it must be a finite number (a damaged or forged file).");
        }
        return v;
    }

    private static Optional<AttributeProto> attribute(NodeProto n, String name) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst();
    }

    private static boolean finite(Layer l) {
        boolean finite = true;
        for (float[] row : l.w) for (float v : row) finite &= Float.isFinite(v);
        for (float v : l.b) finite &= Float.isFinite(v);
        return finite;
    }

    static float[][] transpose(float[][] m) {
        float[][] t = new float[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) for (int j = 0; j < m[i].length; j++) t[j][i] = m[i][j];
        return t;
    }

    private static UserError unsupported(Path file, NodeProto n, String why) {
        String name = !n.getName().isEmpty() ? "'" + n.getName() + "'"
                : n.getOutputCount() > 0 ? "that gives '" + n.getOutput(0) + "'" : "without a name";
        return new UserError("ONNX model " + file + " cannot be read: its node " + name + " (op " + n.getOpType()
                + ") " + why + ". mnist-fcn reads fully-connected MNIST classifiers: Flatten/Reshape, Gemm or MatMul + "
                + "Add, Relu, Tanh, Sigmoid, Elu, LeakyRelu, Softmax or raw logits, Identity/Dropout (docs/interop.md).");
    }
}
