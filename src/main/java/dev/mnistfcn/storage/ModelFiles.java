package dev.mnistfcn.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.mnistfcn.Mnist;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.YamlLines;
import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.network.LayerSizes;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes DL4J model zips, treating every zip as coming from a stranger.
 *
 * <p>Writing: {@link ModelSerializer} output plus our JSON metadata entry, written atomically by
 * {@link AtomicFiles}. Reading: the zip is checked first (readable, no absolute or {@code ..} entry
 * names, a DL4J network, no entry that DL4J would read with Java deserialization, type ids in
 * configuration.json that name DL4J/ND4J classes only, 784 inputs and 10 outputs), both as listed in its central
 * directory and as DL4J reads it (front to back), every entry inflated only up to what the declared network needs
 * ({@link ModelZipLimits}), and the network is built from those very bytes as ModelSerializer builds it.
 */
public final class ModelFiles {
    public static final String METADATA_ENTRY = "mnist-fcn.json";
    /** ModelSerializer entries read with {@code ObjectInputStream}: never loaded from a stranger's zip. */
    static final Set<String> DESERIALIZED_ENTRIES = Set.of(ModelSerializer.PREPROCESSOR_BIN);
    static final String CONFIGURATION = ModelSerializer.CONFIGURATION_JSON;
    static final String COEFFICIENTS = ModelSerializer.COEFFICIENTS_BIN;
    static final String UPDATER = ModelSerializer.UPDATER_BIN;
    private ModelFiles() {
    }

    /**
     * A loaded network with what we know about it; {@code damagedCheck}: why its not-a-digit check cannot be used (one
     * paragraph), where it has a damaged one: {@code predict} and {@code serve} refuse such a zip, {@code calibrate}
     * replaces the check, the rest read the network as they would without one; {@code onnxDataset}: the {@code
     * dataset} an .onnx file's metadata_props record (a zip records it in {@code metadata}).
     */
    public record Loaded(MultiLayerNetwork network, Optional<ModelMetadata> metadata, boolean hasUpdaterState,
                         long fileBytes, Optional<NotADigitCheck> notADigit, Optional<String> damagedCheck,
                         Optional<String> onnxDataset) {
        /** The dataset the file says it was trained on ({@code mnist}, {@code fashion-mnist}); empty where it says none. */
        public Optional<String> dataset() {
            return metadata.map(ModelMetadata::dataset).or(() -> onnxDataset);
        }

        /** {@link #dataset()} where it is not MNIST; empty for MNIST and for a file that says none (MNIST's, then). */
        public Optional<String> otherDataset() {
            return dataset().filter(id -> !id.equals(Dataset.MNIST.id()));
        }
    }

    private static final VarHandle BIG_ENDIAN_INTS =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /**
     * The bytes {@code Nd4j.write(arr, out)} writes (DL4J reads them back with {@code Nd4j.read}), a float array's
     * values in blocks: {@code Nd4j.write} passes each value through {@code DataOutputStream.writeFloat}, and a
     * two-layer save took 31 ms with it, 22 with this ({@code SaveCost}, quiet). Same order, same canonical NaN
     * ({@code floatToIntBits}); {@code ModelFilesTest} compares the two byte for byte.
     */
    static void writeArray(INDArray arr, DataOutputStream out) throws IOException {
        if (arr.dataType() != DataType.FLOAT) {
            Nd4j.write(arr, out);
            return;
        }
        if (arr.isView()) arr = arr.dup(); // as Nd4j.write: the view's own values, with its dense shape
        arr.shapeInfoDataBuffer().write(out);
        DataBuffer data = arr.data();
        out.writeUTF(data.allocationMode().name());
        out.writeLong(data.length());
        out.writeUTF(data.dataType().name());
        float[] values = data.asFloat(); // the same reads as DataBuffer.write's loop, index 0 to length - 1
        byte[] block = new byte[1 << 15];
        for (int from = 0; from < values.length; from += block.length / 4) {
            int n = Math.min(block.length / 4, values.length - from);
            for (int i = 0; i < n; i++) BIG_ENDIAN_INTS.set(block, 4 * i, Float.floatToIntBits(values[from + i]));
            out.write(block, 0, 4 * n);
        }
    }

    /**
     * Writes {@code net} as {@link ModelSerializer#writeModel} does (the same entries, so DL4J restores it), plus
     * {@code metadata}, atomically. Why not writeModel itself: it deflates the arrays, and adding our entry meant
     * inflating and deflating them again; float weights barely compress (2.21 against 2.62 MB for two-layer with its
     * updater), and deflating took most of a save: 180 ms against 31 ms stored, quiet ({@code SaveCost}); 8.7 ms
     * now, with the arrays written in blocks ({@link #writeArray}) and buffered ({@link AtomicFiles}). A run
     * saves up to twice an epoch (checkpoint, best.zip), on the training thread.
     */
    public static void save(MultiLayerNetwork net, Path target, boolean withUpdater, ModelMetadata metadata)
            throws IOException {
        save(net, target, withUpdater, metadata, null);
    }

    /**
     * As {@link #save(MultiLayerNetwork, Path, boolean, ModelMetadata)}, with the not-a-digit {@code check} (null: none)
     * in the same atomic write: written afterwards, a failure in between left a zip without its check.
     */
    public static void save(MultiLayerNetwork net, Path target, boolean withUpdater, ModelMetadata metadata,
                            NotADigitCheck check) throws IOException {
        byte[] checkEntry = check == null ? null : NotADigitEntry.bytes(check);
        AtomicFiles.writeAtomically(target, out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.setLevel(Deflater.NO_COMPRESSION);
                zip.putNextEntry(new ZipEntry(CONFIGURATION));
                zip.write(net.getLayerWiseConfigurations().toJson().getBytes(StandardCharsets.UTF_8));
                DataOutputStream arrays = new DataOutputStream(new BufferedOutputStream(zip, 1 << 16));
                zip.putNextEntry(new ZipEntry(COEFFICIENTS));
                writeArray(net.params(), arrays);
                arrays.flush();
                INDArray updaterState = withUpdater ? net.getUpdater().getStateViewArray() : null;
                if (updaterState != null && updaterState.length() > 0) {
                    zip.putNextEntry(new ZipEntry(UPDATER));
                    writeArray(updaterState, arrays);
                    arrays.flush();
                }
                if (metadata != null) {
                    zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
                    zip.write(MetadataJson.write(metadata));
                }
                if (checkEntry != null) {
                    zip.putNextEntry(new ZipEntry(NotADigitCheck.ENTRY));
                    zip.write(checkEntry);
                }
            }
        });
    }

    public static Loaded load(Path file, boolean withUpdater) {
        if (Files.isDirectory(file)) {
            throw new UserError(file + " is a folder" + (Files.exists(file.resolve(RunFolder.MODEL)) ? ": give its model.zip ("
                    + file.resolve(RunFolder.MODEL) + ")." : " with no model.zip, so not a run's folder. Give a run's folder or "
                    + "the path of a .zip file (e.g. models/two-layer or models/two-layer/model.zip)."));
        }
        if (!Files.exists(file)) {
            String link = UserError.brokenLink(file);
            if (link != null) throw new UserError("Model file " + file + " is " + link + ". Give the path of a .zip file.");
            throw new UserError("Model file " + file.toAbsolutePath() + " does not exist. Train one first "
                    + "(mvn compile exec:java -Dconfig=two-layer.yaml writes models/two-layer/model.zip) or check the path.");
        }
        if (!Files.isRegularFile(file)) { // a pipe would block the zip reader until someone writes to it
            throw new UserError("Model file " + file + " is not a regular file (a device, pipe or socket). Give the path "
                    + "of a .zip file (e.g. models/two-layer/model.zip).");
        }
        long fileBytes;
        byte[] configuration;
        try {
            fileBytes = Files.size(file);
            // A central directory is read whole into memory when the zip is opened: bounded by the file's size.
            if (fileBytes > ModelZipLimits.MAX_FILE_BYTES) {
                throw new UserError("Model file " + file + " was rejected: it is " + fileBytes + " bytes, over the "
                        + ModelZipLimits.MAX_FILE_BYTES + " bytes of the largest model zip mnist-fcn loads (a network of "
                        + (ModelZipLimits.MAX_COEFFICIENT_BYTES >> 20) + " MiB of parameters with its updater state).");
            }
            try (ZipFile zip = new ZipFile(file.toFile())) {
                if (zip.size() > ModelZipLimits.MAX_ENTRIES) throw tooManyEntries(file, zip.size() + " entries");
                var entries = zip.entries();
                while (entries.hasMoreElements()) {
                    checkEntryName(file, entries.nextElement().getName());
                }
                ZipEntry c = zip.getEntry(CONFIGURATION);
                if (c == null || zip.getEntry(COEFFICIENTS) == null) {
                    throw notAModel(file);
                }
                try (InputStream in = zip.getInputStream(c)) {
                    configuration = ModelZipLimits.read(file, CONFIGURATION, in, ModelZipLimits.CONFIGURATION_BYTES, c.getSize());
                }
            }
        } catch (NoSuchFileException e) {
            throw new UserError("Model file " + file.toAbsolutePath() + " does not exist.");
        } catch (ZipException e) {
            throw truncated(file, e);
        } catch (IOException e) {
            throw new UserError("Model file " + file + " cannot be read: " + UserError.reason(e) + ".");
        } catch (IllegalArgumentException e) {
            // ZipFile's answer to a central-directory name that is not UTF-8 (found by fuzzing).
            throw nameNotUtf8(file, e);
        }
        // The configuration first: it says how large every other entry may be.
        MultiLayerConfiguration conf = configuration(file, configuration);
        ModelZipLimits.Needs needs = ModelZipLimits.needs(file, conf);
        // DL4J reads a zip front to back (ModelSerializer's ZipInputStream, the last of two same-named entries
        // winning), which can find entries that the central directory read above does not list. So the checks run
        // again on that view, and the network is built from the very bytes checked, each entry read once, capped.
        byte[] coefficients = null;
        byte[] updater = null;
        byte[] metadata = null;
        byte[] notADigit = null;
        boolean hasUpdater = false;
        boolean sameConfiguration = false;
        Set<String> seen = new HashSet<>();
        try (ZipInputStream in = new ZipInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                String name = e.getName();
                checkEntryName(file, name);
                if (!seen.add(name)) {
                    throw new UserError("Model file " + file + " was rejected: it holds two entries named '" + name
                            + "', and zip readers disagree on which one counts. A DL4J model zip names each entry once.");
                }
                if (seen.size() > ModelZipLimits.MAX_ENTRIES) throw tooManyEntries(file, "more than " + seen.size() + " entries");
                long size = e.getSize();
                switch (name) {
                    case CONFIGURATION -> sameConfiguration = Arrays.equals(configuration,
                            ModelZipLimits.read(file, name, in, ModelZipLimits.CONFIGURATION_BYTES, size));
                    case COEFFICIENTS -> coefficients = ModelZipLimits.read(file, name, in, needs.coefficientBytes(), size);
                    case UPDATER -> {
                        hasUpdater = true;
                        if (withUpdater) updater = ModelZipLimits.read(file, name, in, needs.updaterBytes(), size);
                        else ModelZipLimits.skip(file, name, in, needs.updaterBytes(), size);
                    }
                    case METADATA_ENTRY -> metadata = ModelZipLimits.read(file, name, in, ModelZipLimits.METADATA_BYTES, size);
                    case NotADigitCheck.ENTRY -> notADigit = ModelZipLimits.read(file, name, in, NotADigitEntry.MAX_BYTES, size);
                    default -> ModelZipLimits.skip(file, name, in, ModelZipLimits.OTHER_ENTRY_BYTES, size);
                }
            }
        } catch (IOException e) {
            throw truncated(file, e);
        } catch (IllegalArgumentException e) {
            // ZipInputStream's answer to an entry name that is not UTF-8 in a local header, which the central
            // directory read above never sees (found by fuzzing).
            throw nameNotUtf8(file, e);
        }
        if (!seen.contains(CONFIGURATION) || coefficients == null) {
            throw notAModel(file);
        }
        if (!sameConfiguration) {
            throw new UserError("Model file " + file + " was rejected: its " + CONFIGURATION + " reads differently "
                    + "through the zip's index and front to back, so zip readers disagree on the network. A zip written "
                    + "by mnist-fcn or ModelSerializer.writeModel has one.");
        }
        ModelMetadata meta = null;
        if (metadata != null) {
            try {
                meta = MetadataJson.read(metadata);
            } catch (IOException e) {
                // Jackson's "Cannot deserialize value of type `x` from Array value" reads garbled without the type
                String why = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mi
                        ? "the wrong type, not " + YamlLines.typeName(mi.getTargetType())
                        : e instanceof JsonProcessingException j ? dev.mnistfcn.Json.problem(j) : UserError.reason(e);
                // which key: "Cannot deserialize value of type from String "x"" named none
                if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) why = "key '" + YamlLines.keyPath(m) + "': " + why;
                throw new UserError("Model file " + file + " has an unreadable " + METADATA_ENTRY + " (" + why
                        + "). The file is damaged; use another checkpoint.");
            }
        }
        NotADigitCheck check = null;
        String damagedCheck = null;
        if (notADigit != null) {
            try {
                check = NotADigitEntry.read(file, notADigit);
            } catch (UserError damaged) { // refused by every command, it blocked calibrate, the repair it names
                damagedCheck = damaged.getMessage();
            }
        }
        return new Loaded(restore(file, conf, needs, coefficients, updater), Optional.ofNullable(meta), hasUpdater, fileBytes,
                Optional.ofNullable(check), Optional.ofNullable(damagedCheck), Optional.empty());
    }

    /** The checked configuration, parsed by DL4J. */
    private static MultiLayerConfiguration configuration(Path file, byte[] configuration) {
        // Decoded as ModelSerializer decodes it, so that the text checked is the text DL4J parses.
        String json = new String(configuration, Charset.defaultCharset());
        ConfigurationTypeIds.check(file, json);
        MultiLayerConfiguration conf;
        try {
            conf = MultiLayerConfiguration.fromJson(json);
        } catch (RuntimeException e) {
            throw new UserError("Model file " + file + " does not hold a MultiLayerNetwork configuration (it may be a "
                    + "ComputationGraph or a damaged file). mnist-fcn loads DL4J MultiLayerNetwork zips.");
        }
        checkMnistShape(file, conf);
        return conf;
    }

    /**
     * The network, as {@link ModelSerializer#restoreMultiLayerNetwork} builds it from its entries (whose zip reader
     * allocates whatever size an entry declares, so it gets no stranger's zip): parameters, then updater state.
     */
    private static MultiLayerNetwork restore(Path file, MultiLayerConfiguration conf, ModelZipLimits.Needs needs,
                                             byte[] coefficients, byte[] updater) {
        INDArray params = ModelZipLimits.array(file, COEFFICIENTS, coefficients, needs.parameters());
        INDArray state = updater == null ? null : ModelZipLimits.array(file, UPDATER, updater, needs.updaterState());
        MultiLayerNetwork net;
        try {
            conf.setDataType(params.dataType());
            net = new MultiLayerNetwork(conf);
            net.init(params, false);
            if (state != null) net.getUpdater().setStateViewArray(net, state, false);
        } catch (Exception | Error e) {
            throw new UserError("Model file " + file + " is damaged: its network could not be restored ("
                    + firstLine(e) + "). Use another checkpoint or retrain.");
        }
        // A layer's class says too little: LSTM, convolution and embedding layers are FeedForwardLayers too, and
        // want other input than a row of pixels. One blank picture through it here, not a stack trace at the first
        // predict (or a 500 for every request of serve).
        try {
            // (not net.clear() after it, to drop the blank input it keeps: clear() drops the restored updater state too)
            net.output(Nd4j.zeros(params.dataType(), 1, Mnist.PIXELS), false);
        } catch (OutOfMemoryError e) {
            throw e; // not the network's kind: the caller's memory message applies
        } catch (Exception | Error e) {
            throw new UserError("Model file " + file + " holds a network that cannot read a picture as a row of 784 "
                    + "pixels (" + firstLine(e) + "): mnist-fcn reads fully-connected networks (dense layers and an "
                    + "output layer). Its layers: " + layerTypes(conf) + ".");
        }
        return net;
    }

    private static String firstLine(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse(""));
    }

    private static String layerTypes(MultiLayerConfiguration conf) {
        return conf.getConfs().stream().map(c -> c.getLayer().getClass().getSimpleName()).collect(Collectors.joining(", "));
    }

    private static UserError tooManyEntries(Path file, String count) {
        return new UserError("Model file " + file + " was rejected: it holds " + count + ", over the limit of "
                + ModelZipLimits.MAX_ENTRIES + " (a DL4J model zip holds at most 6: configuration.json, coefficients.bin, "
                + "updaterState.bin and a few small ones). It may be a zip bomb; use a zip written by mnist-fcn or "
                + "ModelSerializer.writeModel.");
    }

    private static void checkEntryName(Path file, String name) {
        if (name.startsWith("/") || name.startsWith("\\") || name.contains("..") || name.contains(":")) {
            throw new UserError("Model file " + file + " was rejected: it contains the entry '" + name
                    + "', an absolute path or one leading out of the archive. A DL4J model zip holds only "
                    + "plain names such as configuration.json and coefficients.bin.");
        }
        if (DESERIALIZED_ENTRIES.contains(name)) {
            throw new UserError("Model file " + file + " was rejected: it contains '" + name + "', which DL4J "
                    + "would read with Java deserialization, and that can run arbitrary code from a stranger's "
                    + "file. Re-save the network without a data preprocessor (ModelSerializer.writeModel).");
        }
        if (name.equals(ModelSerializer.NORMALIZER_BIN)) { // skipped unread, it gave wrong answers without a word
            throw new UserError("Model file " + file + " was rejected: it holds a data normalizer (" + name + ", saved "
                    + "by ModelSerializer.writeModel with a DataNormalization), which its network expects applied to the "
                    + "pixels first. mnist-fcn gives a network pixels as input.scale says (0..1 by default) and applies "
                    + "no normalizer, so every answer would be wrong. Fold the normalizer into the first layer's weights "
                    + "and bias, or train on 0..1 pixels, and save the network without it.");
        }
    }

    private static UserError notAModel(Path file) {
        return new UserError("Model file " + file + " is a zip but not a DL4J model: it has no " + CONFIGURATION
                + " and " + COEFFICIENTS + ". Give a zip written by mnist-fcn or ModelSerializer.writeModel.");
    }

    private static UserError truncated(Path file, IOException e) {
        return new UserError("Model file " + file + " is truncated or not a zip (" + e.getMessage() + "). It may be "
                + "a copy cut short or a file of another kind; mnist-fcn never leaves such a file under a final name, "
                + "so use another checkpoint or retrain.");
    }

    private static void checkMnistShape(Path file, MultiLayerConfiguration conf) {
        List<FeedForwardLayer> sized = LayerSizes.sized(conf);
        if (sized.isEmpty()) {
            throw new UserError("Model file " + file + " is not a fully-connected network that mnist-fcn can evaluate: "
                    + "it reads networks of dense layers (frozen or not, with dropout or activation layers between "
                    + "them) ending in an OutputLayer, and this one's " + conf.getConfs().size() + " layers are "
                    + conf.getConfs().stream().map(c -> c.getLayer().getClass().getSimpleName()).distinct()
                    .collect(Collectors.joining(", ")) + ".");
        }
        FeedForwardLayer first = sized.get(0);
        FeedForwardLayer last = sized.get(sized.size() - 1);
        if (last instanceof org.deeplearning4j.nn.conf.layers.LossLayer) { // its nOut reads 0: "gives 0 outputs"
            throw new UserError("Model file " + file + " ends in a LossLayer, which mnist-fcn does not read: it reads "
                    + "networks of dense layers ending in an OutputLayer (784 inputs, 10 softmax outputs). Its layers: "
                    + LayerSizes.of(conf) + ".");
        }
        if (first.getNIn() != Mnist.PIXELS || last.getNOut() != Mnist.CLASSES) {
            throw new UserError("Model file " + file + " takes " + first.getNIn() + " inputs and gives " + last.getNOut()
                    + " outputs; an MNIST classifier takes 784 (28×28 pixels) and gives 10 (digits). Its layers: "
                    + LayerSizes.of(conf) + ".");
        }
    }

    private static UserError nameNotUtf8(Path file, IllegalArgumentException e) {
        return new UserError("Model file " + file + " was rejected: the name of an entry in it is not valid UTF-8 ("
                + e.getMessage() + "). A DL4J model zip holds only plain names such as configuration.json and "
                + "coefficients.bin; the file is damaged or was not written by a zip tool.");
    }
}
