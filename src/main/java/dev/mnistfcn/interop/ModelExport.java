package dev.mnistfcn.interop;

import dev.mnistfcn.storage.AtomicFiles;
import dev.mnistfcn.storage.ModelMetadata;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Writes a network as an ONNX model or a TensorFlow frozen graph, complete or not at all. */
public final class ModelExport {
    private ModelExport() {
    }

    /** {@code target}.onnx, its metadata_props naming the run, its test accuracy and dataset where known. */
    public static void onnx(MultiLayerNetwork net, Optional<ModelMetadata> meta, Path target, String source)
            throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        meta.ifPresent(m -> {
            if (m.provenance().run() != null) props.put("run_name", m.provenance().run());
            if (m.testAccuracy() != null) props.put("test_accuracy", String.format(Locale.ROOT, "%.4f", m.testAccuracy()));
            props.put("dataset", m.dataset() == null ? "mnist" : m.dataset());
        });
        AtomicFiles.writeBytes(target, OnnxExport.toBytes(net, props, source));
    }

    public static void tensorflow(MultiLayerNetwork net, Path target, String source) throws IOException {
        AtomicFiles.writeBytes(target, TfExport.toBytes(net, source));
    }
}
