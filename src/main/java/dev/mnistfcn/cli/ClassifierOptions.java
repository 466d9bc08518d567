package dev.mnistfcn.cli;

import dev.mnistfcn.UserError;
import dev.mnistfcn.predict.DigitClassifier;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** The model and engine options {@code predict} and {@code serve} share (a picocli mixin), and the loading they do. */
final class ClassifierOptions {
    @Option(names = {"-m", "--model"}, paramLabel = "ZIP", description = "Model zip or .onnx file (default: -Dmodel, else "
            + "models/two-layer/model.zip).")
    Path model = CommandDefaults.modelFromProperty();

    @Option(names = "--engine", paramLabel = "ENGINE", description = "auto (default), dl4j, fused or onnxruntime (ONNX Runtime on the network exported as ONNX); also "
            + "-Dtraining.engine=...")
    String engine = System.getProperty("training.engine", "auto");

    @Mixin
    InputScaleOption inputScale;

    /** The classifier for the model given, else the default one; a missing file says how to make it. */
    DigitClassifier load() {
        Path zip = CommandDefaults.modelOrDefault(model);
        if (!Files.exists(zip) && UserError.brokenLink(zip) == null) { // a link is said to be one by the loader
            throw new UserError("No model at " + zip + ": train one with `mvn compile exec:java -Dconfig=two-layer.yaml` "
                    + "(it saves " + DigitClassifier.DEFAULT_MODEL + ", about a minute), or pass --model ZIP "
                    + "(-Dmodel=ZIP with mvn exec:java).");
        }
        return DigitClassifier.load(zip, engine, inputScale.value());
    }
}
