package dev.mnistfcn.interop;

import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ModelSpec;
import onnx.OnnxMl.TensorProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** An ONNX graph's constants (initializers and {@code Constant} nodes), read as floats when a layer uses one. */
final class OnnxTensors {
    private final Path file;
    private final Map<String, TensorProto> tensors = new HashMap<>();
    /**
     * {@code Transpose} outputs by the stored constant they come from, and whether they are its transpose (an even
     * chain of Transposes is the constant itself): made only when a layer reads one, and checked then with the
     * layer's other weights (made at once, 160 Transposes of one 1024×2048 weight filled the heap). Resolved to the
     * constant as they are put: followed link by link, a chain of 60,000 Transposes overflowed the stack, and 3,000
     * of a 784×1024 weight took 10 s and 1.1 GB.
     */
    private final Map<String, Transposed> transposed = new HashMap<>();

    private record Transposed(String root, boolean odd) {
    }

    OnnxTensors(Path file) {
        this.file = file;
    }

    void put(String name, TensorProto t) {
        tensors.put(name, t);
    }

    /** {@code name} is the transpose of the constant {@code source}. */
    void putTransposed(String name, String source) {
        Transposed of = transposed.get(source);
        transposed.put(name, of == null ? new Transposed(source, true) : new Transposed(of.root(), !of.odd()));
    }

    /** {@code name} is the constant {@code source} itself (torch writes an Identity of a weight for tied values). */
    void putSame(String name, String source) {
        Transposed t = transposed.get(source);
        if (t != null) transposed.put(name, t);
        else tensors.put(name, tensors.get(source));
    }

    boolean has(String name) {
        return tensors.containsKey(name) || transposed.containsKey(name);
    }

    /** The shape of a weight as the file declares it, before any of its values is read. */
    long[] dims(String name) {
        Transposed t = transposed.get(name);
        long[] d = require(t == null ? name : t.root()).getDimsList().stream().mapToLong(Long::longValue).toArray();
        return t != null && t.odd() && d.length == 2 ? new long[]{d[1], d[0]} : d;
    }

    /** A 2-D weight, [rows][columns] as the file lays it out (row-major). */
    float[][] matrix(String name) {
        Transposed of = transposed.get(name);
        if (of != null) return of.odd() ? OnnxImport.transpose(matrix(of.root())) : matrix(of.root());
        TensorProto t = require(name);
        if (t.getDimsCount() != 2) {
            throw new UserError("ONNX model " + file + ": the weight '" + name + "' has " + t.getDimsCount()
                    + " dimensions; a fully-connected layer's weight has 2.");
        }
        int rows = (int) t.getDims(0);
        int cols = (int) t.getDims(1);
        float[] flat = floats(name, t);
        float[][] m = new float[rows][cols];
        for (int i = 0; i < rows; i++) System.arraycopy(flat, i * cols, m[i], 0, cols);
        return m;
    }

    /** A bias: any tensor whose values lie along one axis ([n], [1, n]). */
    float[] vector(String name) {
        Transposed of = transposed.get(name);
        if (of != null) { // a row is the transpose of a column; a 1-D tensor's is itself
            long[] d = dims(name);
            if (of.odd() && d.length == 2 && d[0] == 1) return matrix(name)[0];
            if (!of.odd() || d.length <= 1) return vector(of.root());
        }
        TensorProto t = require(name);
        int big = 0;
        for (long d : t.getDimsList()) if (d > 1) big++;
        if (big > 1) {
            throw new UserError("ONNX model " + file + ": the bias '" + name + "' has the shape " + t.getDimsList()
                    + "; a layer's bias is one row of values.");
        }
        return floats(name, t);
    }

    private TensorProto require(String name) {
        TensorProto t = tensors.get(name);
        if (t == null) {
            throw new UserError("ONNX model " + file + ": a layer's weight or bias '" + name + "' is computed in the "
                    + "graph rather than stored as an initializer or Constant; mnist-fcn reads stored weights only.");
        }
        return t;
    }

    private float[] floats(String name, TensorProto t) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new UserError("ONNX model " + file + " keeps the tensor '" + name + "' in an external data file; "
                    + "mnist-fcn reads self-contained .onnx files (an MLP of MNIST is far below the 2 GB that needs it). "
                    + "PyTorch 2's torch.onnx.export writes one by default: export with external_data=False, or save "
                    + "the model again in one file with onnx.save(onnx.load(path), path, save_as_external_data=False).");
        }
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new UserError("ONNX model " + file + ": the tensor '" + name + "' holds "
                    + TensorProto.DataType.forNumber(t.getDataType()) + " values; mnist-fcn reads float32 weights.");
        }
        long count = 1;
        for (long d : t.getDimsList()) {
            // At most a network's parameter limit: a stranger's file may declare any shape.
            if (d < 1 || d > ModelSpec.MAX_PARAMETERS || (count *= d) > ModelSpec.MAX_PARAMETERS) {
                throw new UserError("ONNX model " + file + " is damaged or not an MNIST classifier: the tensor '" + name
                        + "' has the shape " + t.getDimsList() + "; each dimension must be at least 1, and all "
                        + "together at most " + ModelSpec.MAX_PARAMETERS + " values.");
            }
        }
        float[] out;
        if (!t.getRawData().isEmpty()) {
            if (t.getRawData().size() != 4 * count) throw damaged(name, t.getRawData().size() / 4, count);
            out = new float[(int) count];
            ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        } else {
            if (t.getFloatDataCount() != count) throw damaged(name, t.getFloatDataCount(), count);
            out = new float[(int) count];
            for (int i = 0; i < out.length; i++) out[i] = t.getFloatData(i);
        }
        for (int i = 0; i < out.length; i++) {
            if (!Float.isFinite(out[i])) {
                throw new UserError("ONNX model " + file + ": the tensor '" + name + "' holds " + out[i] + " at index "
                        + i + "; a weight must be a finite number (a training run that diverged gives NaN).");
            }
        }
        return out;
    }

    private UserError damaged(String name, long has, long expected) {
        return new UserError("ONNX model " + file + " is damaged: the tensor '" + name + "' holds " + has
                + " values where its shape says " + expected + ".");
    }
}
