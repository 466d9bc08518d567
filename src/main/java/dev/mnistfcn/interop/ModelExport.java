package dev.mnistfcn.interop;

import dev.mnistfcn.storage.AtomicFiles;
import dev.mnistfcn.storage.ModelFiles;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Writes a network as an ONNX model or a TensorFlow frozen graph, complete or not at all. */
public final class ModelExport {
    private ModelExport() {
    }

    /**
     * {@code target}.onnx of {@code model} (a zip or an .onnx file), its metadata_props naming the run, its test
     * accuracy and dataset where known.
     */
    public static void onnx(ModelFiles.Loaded model, Path target, String source) throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        model.metadata().ifPresent(m -> {
            if (m.provenance().run() != null) props.put("run_name", m.provenance().run());
            if (m.testAccuracy() != null) props.put("test_accuracy", String.format(Locale.ROOT, "%.4f", m.testAccuracy()));
        });
        // A zip's metadata without a dataset is from before Fashion-MNIST: MNIST. An .onnx file may record none.
        if (model.metadata().isPresent() || model.dataset().isPresent()) {
            props.put(OnnxImport.DATASET_KEY, model.dataset().orElse("mnist"));
        }
        AtomicFiles.writeBytes(target, OnnxExport.toBytes(model.network(), props, source));
    }

    public static void tensorflow(MultiLayerNetwork net, Path target, String source) throws IOException {
        AtomicFiles.writeBytes(target, TfExport.toBytes(net, source));
    }
}
