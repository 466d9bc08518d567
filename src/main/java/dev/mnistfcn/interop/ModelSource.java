package dev.mnistfcn.interop;

import dev.mnistfcn.UserError;
import dev.mnistfcn.storage.ModelFiles;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The one place where a model file's name picks its reader: {@code .onnx} → {@link OnnxImport} (a network built
 * from the file's layers), anything else → {@link ModelFiles} (a DL4J zip). Both give a DL4J network, so every
 * engine, report and the page work on either.
 */
public final class ModelSource {
    private ModelSource() {
    }

    public static boolean isOnnx(Path file) {
        return file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    /**
     * The network in {@code file}, for inference. {@code inputScale} ({@code --input-scale}, null when not given) is
     * what an ONNX model expects for a pixel when its metadata does not say; a DL4J zip always takes 0..1.
     */
    public static ModelFiles.Loaded load(Path file, String inputScale) {
        if (isOnnx(file)) return OnnxImport.load(file, inputScale);
        if (inputScale != null && !InputScale.parse(inputScale, "--input-scale").equals(InputScale.UNIT)) {
            throw new UserError("The input scale " + inputScale + " (--input-scale or -Dinput.scale) applies to .onnx "
                    + "models only: " + file + " is a DL4J zip, which mnist-fcn feeds pixels in 0..1 as it was trained "
                    + "on. Leave it out.");
        }
        ModelFiles.Loaded loaded = ModelFiles.load(file, false);
        refuseNonProbabilities(file, loaded.network().getLayerWiseConfigurations());
        refuseNonFinite(file, loaded.network().params().data().asFloat());
        return loaded;
    }

    /**
     * Every answer shows the output as probabilities (the confidence, the runner-up, the page's bars, the test loss):
     * a zip from elsewhere whose output layer is identity or sigmoid printed "7 111.0%" beside negative ones.
     */
    static void refuseNonProbabilities(Path file, MultiLayerConfiguration conf) {
        var last = conf.getConf(conf.getConfs().size() - 1).getLayer();
        if (last instanceof BaseOutputLayer out && out.getActivationFn() instanceof ActivationSoftmax) return;
        String what = last instanceof BaseOutputLayer out ? "an output layer with the activation " + out.getActivationFn()
                : "a " + last.getClass().getSimpleName();
        throw new UserError("Model file " + file + " ends in " + what + ", so its outputs are not probabilities, and "
                + "mnist-fcn answers with probabilities (the confidence, the runner-up, the test loss). It reads "
                + "classifiers whose last layer is an OutputLayer with softmax (Activation.SOFTMAX, LossFunction.MCXENT "
                + "or NEGATIVELOGLIKELIHOOD), as mnist-fcn and DL4J's MNIST examples write them.");
    }

    /**
     * A run whose loss went to NaN (a learning rate far too high) saves NaN weights; every answer of such a model would
     * be NaN, shown as a digit 0 at "NaN%" and written into JSON as a bare NaN that parsers reject.
     */
    static void refuseNonFinite(Path zip, float[] parameters) {
        long bad = 0;
        for (float p : parameters) if (!Float.isFinite(p)) bad++;
        if (bad > 0) {
            throw new UserError(String.format(Locale.ROOT, "Model %s has %,d of %,d weights that are not finite numbers "
                    + "(NaN or infinity): its training diverged, so nothing it answers would mean anything. Train it again "
                    + "with a lower training.updater.learning_rate.", zip, bad, parameters.length));
        }
    }
}
