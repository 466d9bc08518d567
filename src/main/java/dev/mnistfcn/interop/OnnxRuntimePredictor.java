package dev.mnistfcn.interop;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.mnistfcn.UserError;
import dev.mnistfcn.engine.Predictor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;

/**
 * The {@code onnxruntime} engine of predict and serve: the network exported as ONNX ({@link OnnxExport}, in memory)
 * and run by ONNX Runtime's Java package. One session, shared: ONNX Runtime's {@code run} is safe to call from many
 * threads at once, as {@link Predictor} asks.
 */
public final class OnnxRuntimePredictor implements Predictor {
    public static final String ID = "onnxruntime";
    private final OrtEnvironment env;
    private final OrtSession session;

    private OnnxRuntimePredictor(OrtEnvironment env, OrtSession session) {
        this.env = env;
        this.session = session;
    }

    /** {@code source} names the model in a refusal (a network ONNX cannot express, see {@link DenseStack}). */
    public static OnnxRuntimePredictor of(MultiLayerNetwork net, String source) {
        byte[] model = OnnxExport.toBytes(net, Map.of(), source);
        OrtEnvironment env = environment();
        try {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            // predict and serve send one picture per call, from many threads: a thread pool per call only contends.
            options.setIntraOpNumThreads(1);
            return new OnnxRuntimePredictor(env, env.createSession(model, options));
        } catch (OrtException e) {
            throw new UserError("ONNX Runtime could not load " + source + " (" + e.getMessage() + "). Use --engine auto.");
        }
    }

    /**
     * ONNX Runtime's environment, its native library loaded. Where the library fails to unpack, ONNX Runtime logs why
     * (a full disk) with a stack trace, then fails to load it with "no onnxruntime in java.library.path": the first
     * is said in one paragraph instead (a review).
     */
    private static OrtEnvironment environment() {
        OrtEnvironment env;
        Logger ortLog = Logger.getLogger("ai.onnxruntime.OnnxRuntime");
        List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler keep = new Handler() {
            @Override
            public void publish(LogRecord r) {
                said.add(new SimpleFormatter().formatMessage(r) + (r.getThrown() == null ? "" : ": " + why(r.getThrown())));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        boolean parents = ortLog.getUseParentHandlers();
        ortLog.setUseParentHandlers(false);
        ortLog.addHandler(keep);
        try {
            env = OrtEnvironment.getEnvironment();
        } catch (LinkageError e) { // its native library failed to unpack or load: a stack trace named neither
            throw new UserError("ONNX Runtime's native library could not be loaded (" + (said.isEmpty() ? why(e)
                    : String.join("; ", said)) + "). ONNX "
                    + "Runtime unpacks it (22 MB) into a new folder under java.io.tmpdir (" + System.getProperty(
                    "java.io.tmpdir") + "), which needs the space and must allow running programs (not mounted "
                    + "noexec): free space there or name another folder with JAVA_TOOL_OPTIONS=-Djava.io.tmpdir=DIR, "
                    + "or use --engine auto.");
        } finally {
            ortLog.removeHandler(keep);
            ortLog.setUseParentHandlers(parents);
            removeTemporaryFolderAtExit(); // also where it failed: the folder it made stayed
        }
        said.forEach(w -> System.err.println("warning: ONNX Runtime: " + w));
        return env;
    }

    /** The innermost cause's own words: an ExceptionInInitializerError or a NoSuchFileException says little itself. */
    private static String why(Throwable e) {
        Throwable inner = e;
        while (inner.getCause() != null) inner = inner.getCause();
        return inner instanceof java.nio.file.NoSuchFileException ? "no such folder: " + inner.getMessage()
                : inner.getMessage() != null ? inner.getMessage() : inner.toString();
    }

    private static final AtomicBoolean CLEANUP_REGISTERED = new AtomicBoolean();

    /**
     * ONNX Runtime (1.23) unpacks its libraries into a folder {@code onnxruntime-java…} under java.io.tmpdir and asks
     * for the folder to be deleted at exit before the libraries in it, so the folder, then empty, stays: one more in
     * /tmp for every predict or serve with this engine (a review). Removed here, found through ONNX Runtime's own
     * field for it; with a version that has none, its folder stays as before.
     */
    private static void removeTemporaryFolderAtExit() {
        if (!CLEANUP_REGISTERED.compareAndSet(false, true)) return;
        try {
            Field field = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("tempDirectory");
            field.setAccessible(true);
            if (!(field.get(null) instanceof Path dir)) return;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.toList()) Files.deleteIfExists(f); // libraries already loaded: unlinked only
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // gone already, or not ours to remove
                }
            }, "mnist-fcn-onnxruntime-cleanup"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // another ONNX Runtime: its folder stays
        }
    }

    @Override
    public float[] probabilities(INDArray features) {
        return probabilities(Predictor.rowMajor(features), (int) features.rows());
    }

    /** Plain arrays in and out: a picture's pixels go to ONNX Runtime without an ND4J array in between. */
    @Override
    public float[] probabilities(float[] features, int rows) {
        long[] shape = {rows, features.length / rows};
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(features), shape);
             OrtSession.Result out = session.run(Map.of(OnnxExport.INPUT, in))) {
            float[][] p = (float[][]) out.get(0).getValue();
            float[] flat = new float[rows * (rows == 0 ? 0 : p[0].length)];
            for (int r = 0; r < rows; r++) System.arraycopy(p[r], 0, flat, r * p[r].length, p[r].length);
            return flat;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + rows + ": " + e.getMessage(), e);
        }
    }
}
