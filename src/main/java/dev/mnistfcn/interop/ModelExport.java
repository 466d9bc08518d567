package dev.mnistfcn.interop;

import dev.mnistfcn.storage.ModelFiles;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A model as an .onnx file's bytes, with mnist-fcn's metadata (a .pb holds the network only: {@link TfExport}). */
public final class ModelExport {
    private ModelExport() {
    }

    /**
     * The .onnx of {@code model} (a zip or an .onnx file), its metadata_props naming the run, its test accuracy and
     * dataset where known.
     */
    public static byte[] onnx(ModelFiles.Loaded model, String source) {
        Map<String, String> props = new LinkedHashMap<>();
        model.metadata().ifPresent(m -> {
            if (m.provenance().run() != null) props.put("run_name", m.provenance().run());
            if (m.testAccuracy() != null) props.put("test_accuracy", String.format(Locale.ROOT, "%.4f", m.testAccuracy()));
        });
        // A zip's metadata without a dataset is from before Fashion-MNIST: MNIST. An .onnx file may record none.
        if (model.metadata().isPresent() || model.dataset().isPresent()) {
            props.put(OnnxImport.DATASET_KEY, model.dataset().orElse("mnist"));
        }
        return OnnxExport.toBytes(model.network(), props, source);
    }
}
