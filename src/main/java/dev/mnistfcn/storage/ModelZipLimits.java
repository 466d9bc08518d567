package dev.mnistfcn.storage;

import dev.mnistfcn.UserError;
import dev.mnistfcn.network.LayerSizes;
import dev.mnistfcn.config.ModelSpec;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * How much of a model zip is read, decided before reading: a zip from a stranger may declare sizes it does not hold
 * (a few MB that inflate to gigabytes) and ND4J allocates whatever length an array's header declares. So every entry
 * is inflated through a counter that stops at its cap, and an array's header must agree with its entry's size and
 * with the network that configuration.json declares before ND4J sees it.
 */
final class ModelZipLimits {
    /**
     * configuration.json: DL4J writes 2–4 KB per layer (two-layer: 5 KB), so 4 MiB is hundreds of layers, and a
     * JSON tree of that size parses in well under a second on the CLI's 1 GiB heap.
     */
    static final int CONFIGURATION_BYTES = 4 << 20;
    /**
     * mnist-fcn.json: 2-3 KB of provenance, then about 240 bytes per epoch of history (each zip holds every epoch up
     * to its own, for resume): 16 MiB holds {@link dev.mnistfcn.config.TrainingSpec#MAX_EPOCHS} epochs with room to
     * spare (checked by ModelFilesTest). 64 KiB, as before, refused the zips of runs past about 270 epochs.
     */
    static final int METADATA_BYTES = 16 << 20;
    /** Any other entry (DL4J's noParams.marker, objects/…): skipped, but not inflated forever. */
    static final int OTHER_ENTRY_BYTES = 1 << 20;
    /** DL4J writes at most 5 entries, mnist-fcn one more; a central directory of thousands is a bomb. */
    static final int MAX_ENTRIES = 64;
    /**
     * The largest parameter array loaded: 128 MiB (32 M float32 parameters, 150× two-layer's 218,058). The entries are
     * inflated onto the heap (the CLI runs with 1 GiB): with an updater keeping 3 values per parameter (AMSGrad), a
     * load holds at most 512 MiB of arrays.
     */
    static final long MAX_COEFFICIENT_BYTES = ModelSpec.MAX_PARAMETERS * Float.BYTES;
    /**
     * ND4J's own bytes around an array: two headers (allocation mode, length, data type) and the shape information
     * (at most 2 × 32 + 4 longs for ND4J's highest rank): under 700 bytes, rounded up.
     */
    static final int ARRAY_HEADER_BYTES = 1024;
    /** The largest file opened at all: room for every entry at its cap (deflate never grows data by more than 0.1%). */
    static final long MAX_FILE_BYTES = 4 * MAX_COEFFICIENT_BYTES + (64L << 20);
    private static final int MAX_RANK = 32;

    private ModelZipLimits() {
    }

    /** What a declared network needs: its parameter count, an upper bound of its updater state, the element width. */
    record Needs(long parameters, long updaterState, DataType type) {
        long coefficientBytes() {
            return parameters * type.width() + ARRAY_HEADER_BYTES;
        }

        long updaterBytes() {
            return updaterState * type.width() + ARRAY_HEADER_BYTES;
        }
    }

    /**
     * Counted from the configuration alone, as DL4J's initializers count when they allocate; refused above
     * {@link #MAX_COEFFICIENT_BYTES}. Each layer's updater state is bounded by its most demanding parameter's updater.
     */
    static Needs needs(Path file, MultiLayerConfiguration conf) {
        DataType type = conf.getDataType() == null ? DataType.FLOAT : conf.getDataType();
        if (!type.isFPType()) {
            throw new UserError("Model file " + file + " was rejected: its " + ModelFiles.CONFIGURATION + " declares "
                    + "the data type " + type + "; a DL4J network's parameters are FLOAT, DOUBLE, HALF or BFLOAT16.");
        }
        long maxParameters = MAX_COEFFICIENT_BYTES / type.width();
        long parameters = 0;
        long state = 0;
        try {
            for (NeuralNetConfiguration c : conf.getConfs()) {
                Layer layer = c.getLayer();
                // Bounded first, so that nIn × nOut cannot overflow into a small or negative count.
                if (layer instanceof FeedForwardLayer f && (f.getNIn() > maxParameters || f.getNOut() > maxParameters
                        || f.getNIn() < 0 || f.getNOut() < 0)) {
                    throw tooManyParameters(file, "a layer of " + f.getNIn() + " inputs and " + f.getNOut()
                            + " outputs", maxParameters);
                }
                long n = layer.initializer().numParams(c);
                parameters = Math.addExact(parameters, n);
                if (parameters > maxParameters) throw tooManyParameters(file, parameters + " parameters", maxParameters);
                long layerState = 0;
                // A frozen wrapper lists no parameters of its own, yet FrozenLayerWithBackprop keeps its layer's
                // updater state: bounded by the layer it holds (a zip of one was refused as a zip bomb).
                Layer held = LayerSizes.unwrapped(layer);
                for (String key : n == 0 ? java.util.List.<String>of() : held.initializer().paramKeys(held)) {
                    IUpdater u = held.getUpdaterByParam(key);
                    if (u != null) layerState = Math.max(layerState, u.stateSize(n));
                }
                state = Math.addExact(state, layerState);
            }
        } catch (ArithmeticException | UnsupportedOperationException e) {
            throw tooManyParameters(file, "a parameter count beyond a long", maxParameters);
        }
        return new Needs(parameters, state, type);
    }

    private static UserError tooManyParameters(Path file, String what, long maxParameters) {
        return new UserError("Model file " + file + " was rejected: its " + ModelFiles.CONFIGURATION + " declares "
                + what + ", more than the " + maxParameters + " parameters (" + (MAX_COEFFICIENT_BYTES >> 20)
                + " MiB) mnist-fcn loads. An MNIST network of this kind has far fewer (two-layer: 218,058).");
    }

    /**
     * The entry's bytes, inflating at most {@code cap}: refused if the zip declares more, or holds more than it
     * declares. {@code declared} is the zip's size for the entry, -1 where unknown.
     */
    static byte[] read(Path file, String entry, InputStream in, long cap, long declared) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 0), Math.min(cap, 1 << 20)));
        copy(file, entry, in, cap, declared, out);
        return out.toByteArray();
    }

    /** Reads past the entry, counting: an entry nobody uses is still not inflated beyond {@code cap}. */
    static void skip(Path file, String entry, InputStream in, long cap, long declared) throws IOException {
        copy(file, entry, in, cap, declared, null);
    }

    private static void copy(Path file, String entry, InputStream in, long cap, long declared, ByteArrayOutputStream out)
            throws IOException {
        if (declared > cap) throw tooLarge(file, entry, "declares " + declared + " bytes", cap);
        byte[] buf = new byte[64 << 10];
        long total = 0;
        for (int n; (n = in.read(buf, 0, (int) Math.min(buf.length, cap - total + 1))) > 0; ) {
            total += n;
            if (total > cap) throw tooLarge(file, entry, "inflates to more than " + cap + " bytes (reading stopped there)", cap);
            if (out != null) out.write(buf, 0, n);
        }
    }

    static UserError tooLarge(Path file, String entry, String size, long cap) {
        return new UserError("Model file " + file + " was rejected: its entry '" + entry + "' " + size + ", over the "
                + "limit of " + cap + " bytes for that entry (" + why(entry) + "). It may be a zip bomb; use a zip "
                + "written by mnist-fcn or ModelSerializer.writeModel.");
    }

    private static String why(String entry) {
        return switch (entry) {
            case ModelFiles.CONFIGURATION -> "a DL4J configuration of hundreds of layers fits in 4 MiB";
            case ModelFiles.COEFFICIENTS -> "the parameters its configuration.json declares, with ND4J's header";
            case ModelFiles.UPDATER -> "the updater state its configuration.json's updaters keep, with ND4J's header";
            case ModelFiles.METADATA_ENTRY -> "mnist-fcn's own metadata is a few hundred bytes";
            default -> "an entry mnist-fcn does not read";
        };
    }

    /**
     * The array in {@code bytes} (as {@code Nd4j.write} writes one), once its headers agree with the entry: a shape of
     * rank ≤ 32 whose element count is the data length, a floating-point data type, exactly {@code length × width}
     * bytes of data after the headers, and {@code length} ≤ {@code maxLength}. So ND4J allocates no more than the
     * entry holds.
     */
    static INDArray array(Path file, String entry, byte[] bytes, long maxLength) {
        ByteArrayInputStream raw = new ByteArrayInputStream(bytes);
        DataInputStream in = new DataInputStream(raw);
        try {
            Header shape = Header.read(in);
            if (shape.type != DataType.LONG && shape.type != DataType.INT || shape.length < 4
                    || shape.length > 2 * MAX_RANK + 4) {
                throw damaged(file, entry, "its shape header declares " + shape.length + " values of " + shape.type);
            }
            long[] info = new long[(int) shape.length];
            for (int i = 0; i < info.length; i++) info[i] = shape.type == DataType.LONG ? in.readLong() : in.readInt();
            long rank = info[0];
            if (rank < 0 || 2 * rank + 4 != shape.length) throw damaged(file, entry, "its shape has rank " + rank);
            long elements = 1;
            for (int i = 1; i <= rank; i++) {
                if (info[i] < 0) throw damaged(file, entry, "its shape has a negative size");
                elements = Math.multiplyExact(elements, info[i]);
            }
            // Nd4j.write writes a dense copy: strides as 'c' or 'f' order lays it out, element-wise stride 1. Any
            // other stride would have native code read past the data.
            int r = (int) rank;
            char order = (char) info[2 * r + 3];
            if (!contiguous(info, r, order) || info[2 * r + 2] != 1 && elements > 1) {
                throw damaged(file, entry, "its shape information is not that of a dense array");
            }
            Header data = Header.read(in);
            long after = raw.available();
            if (!data.type.isFPType() || data.length != elements || data.length > maxLength
                    || data.length * data.type.width() != after) {
                throw damaged(file, entry, "its header declares " + data.length + " values of " + data.type + " in a shape "
                        + "of " + elements + ", followed by " + after + " bytes, where the configuration's network has "
                        + "room for at most " + maxLength + " values");
            }
        } catch (IOException | IllegalArgumentException | ArithmeticException e) {
            throw damaged(file, entry, "its header cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        try {
            return Nd4j.read(new DataInputStream(new ByteArrayInputStream(bytes)));
        } catch (RuntimeException e) {
            throw damaged(file, entry, "ND4J cannot read it (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Whether the strides in {@code info} are those of a dense array of its shape in {@code order}. */
    private static boolean contiguous(long[] info, int rank, char order) {
        if (order != 'c' && order != 'f') return false;
        long stride = 1;
        for (int k = 0; k < rank; k++) {
            int dim = order == 'c' ? rank - 1 - k : k;
            if (info[1 + rank + dim] != stride && info[1 + dim] > 1) return false;
            stride *= info[1 + dim];
        }
        return true;
    }

    private static UserError damaged(Path file, String entry, String what) {
        return new UserError("Model file " + file + " is damaged: " + entry + " does not hold an ND4J array that fits "
                + "the network: " + what + ". Use another checkpoint or retrain.");
    }

    /** ND4J's buffer header, read as {@code BaseDataBuffer.readHeader} reads it. */
    private record Header(long length, DataType type) {
        static Header read(DataInputStream in) throws IOException {
            DataBuffer.AllocationMode mode = DataBuffer.AllocationMode.valueOf(in.readUTF());
            long length = mode.ordinal() < 3 ? in.readInt() : in.readLong();
            return new Header(length, DataType.valueOf(in.readUTF()));
        }
    }
}
