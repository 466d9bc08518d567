package dev.mnistfcn.predict;

import dev.mnistfcn.Argmax;
import dev.mnistfcn.Mnist;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.Spelling;
import dev.mnistfcn.config.TrainingSpec;
import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.digits.DigitPixels;
import dev.mnistfcn.digits.MnistRecipe;
import dev.mnistfcn.digits.UnreadableImage;
import dev.mnistfcn.engine.Engine;
import dev.mnistfcn.engine.Predictor;
import dev.mnistfcn.interop.ModelSource;
import dev.mnistfcn.interop.OnnxRuntimePredictor;
import dev.mnistfcn.network.LayerSizes;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.ModelMetadata;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A saved model zip answering for people's pictures: MNIST's recipe ({@link MnistRecipe}), then the network. */
public final class DigitClassifier {
    /** Where {@code mvn compile exec:java -Dconfig=two-layer.yaml} saves its model. */
    public static final Path DEFAULT_MODEL = Path.of("models", "two-layer", "model.zip");

    private final Predictor predictor;
    private final ModelInfo info;
    /** Null for zips without a check: they never refuse a picture. */
    private final NotADigit notADigit;

    private DigitClassifier(Predictor predictor, ModelInfo info, NotADigit notADigit) {
        this.predictor = predictor;
        this.info = info;
        this.notADigit = notADigit;
    }

    /** Loads {@code zip} (safely: see {@link ModelFiles}) for inference by {@code engine} (auto, dl4j, fused or onnxruntime). */
    public static DigitClassifier load(Path zip, String engine) {
        return load(zip, engine, null);
    }

    /** Also an {@code .onnx} classifier, {@code inputScale} its pixel convention where its metadata has none. */
    public static DigitClassifier load(Path zip, String engine, String inputScale) {
        ModelFiles.Loaded loaded = ModelSource.load(zip, inputScale);
        loaded.damagedCheck().ifPresent(why -> {
            throw new UserError(why); // answering without it would call anything a digit, unsaid
        });
        refuseOtherDatasets(zip, loaded);
        var net = loaded.network();
        Predictor predictor;
        String engineId;
        List<String> engines = new ArrayList<>(TrainingSpec.ENGINES);
        engines.add(OnnxRuntimePredictor.ID);
        engine = Spelling.of(engine, engines);
        if (!engines.contains(engine)) {
            throw new UserError("--engine '" + engine + "' is not an engine that predicts here. Expected "
                    + String.join(", ", TrainingSpec.ENGINES) + " or " + OnnxRuntimePredictor.ID + ".");
        }
        if (engine.equals(OnnxRuntimePredictor.ID)) {
            // Not one of Engine's (it reads ONNX, a layer above): the network exported in memory, run by ONNX Runtime.
            predictor = OnnxRuntimePredictor.of(net, "model " + zip);
            engineId = OnnxRuntimePredictor.ID;
        } else {
            Engine.Choice choice = Engine.choose(engine, net.getLayerWiseConfigurations(), Engine.Use.INFERENCE,
                    "model " + zip, "--engine");
            predictor = choice.engine().predictor(net);
            engineId = choice.engine().id();
        }
        var info = new ModelInfo(zip, LayerSizes.of(net.getLayerWiseConfigurations()), net.numParams(),
                loaded.metadata().map(ModelMetadata::testAccuracy).orElse(null), engineId,
                loaded.metadata().map(ModelMetadata::provenance).orElse(null), loaded.notADigit().isPresent());
        return new DigitClassifier(predictor, info, loaded.notADigit().map(NotADigit::new).orElse(null));
    }

    /**
     * Pictures are read as MNIST's digits were made (the ink cropped, fitted into 20×20, centred by its mass), which is
     * not how Fashion-MNIST's articles were: a Fashion-MNIST model's answers were printed as digits beside "% on
     * MNIST's test set" (a review). Its test set is what {@code evaluate} reads.
     */
    private static void refuseOtherDatasets(Path zip, ModelFiles.Loaded loaded) {
        String id = loaded.otherDataset().orElse(null); // a zip's metadata, or an .onnx file's (export keeps it)
        if (id == null) return;
        String title = Dataset.title(id);
        throw new UserError("Model " + zip + " was trained on " + title + ", but predict and serve read pictures as "
                + "MNIST's handwritten digits were made (the ink cropped, fitted into 20×20 and centred: docs/predict.md), "
                + "not as " + title + "'s pictures were, so their answers would mean little. Use a model trained on MNIST "
                + "(data.dataset: mnist), or 'evaluate " + zip + "' for its own test set.");
    }

    public ModelInfo info() {
        return info;
    }

    /** The prediction for 784 pixels already in MNIST's form (white on black, 0..1, row by row). */
    public Prediction classify(float[] pixels) {
        if (pixels.length != Mnist.PIXELS) {
            throw new IllegalArgumentException("expected " + Mnist.PIXELS + " pixels, got " + pixels.length);
        }
        float[] p = predictor.probabilities(pixels, 1);
        int digit = Argmax.of(p);
        boolean refused = notADigit != null && notADigit.refuses(pixels);
        return new Prediction(digit, p[digit], p, pixels.clone(), refused);
    }

    /** The prediction for a person's picture; an {@link UnreadableImage} ("no digit found") when it holds no ink. */
    public Prediction classify(BufferedImage picture) {
        return classify(DigitPixels.of(picture));
    }

    /** The prediction for the picture in {@code bytes} (PNG, JPEG, GIF, BMP); {@code source} names it in errors. */
    public Prediction classify(byte[] bytes, String source) {
        return classify(DigitPixels.of(bytes, source));
    }

    /** The prediction for the picture in {@code file}. */
    public Prediction classify(Path file) {
        return classify(DigitPixels.of(file));
    }
}
