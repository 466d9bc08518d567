package dev.mnistfcn.cli;

import dev.mnistfcn.UserError;
import dev.mnistfcn.config.DataSpec;
import dev.mnistfcn.config.Overrides;
import dev.mnistfcn.predict.DigitClassifier;
import dev.mnistfcn.storage.RunFolder;

import java.nio.file.Files;
import java.nio.file.Path;

/** Defaults shared by the commands that take a model zip rather than a config. */
final class CommandDefaults {
    private CommandDefaults() {
    }

    /** MNIST's folder: $MNIST_FCN_DATA_DIR, else data/mnist. */
    static Path fromEnvironment() {
        return Path.of(Overrides.dataDirFromEnvironment().orElse(DataSpec.DEFAULT_DIR));
    }

    /** {@code -Dmodel=ZIP}, as {@code mvn exec:java} passes it; null when absent. */
    static Path modelFromProperty() {
        String m = CliProperties.path("model", null);
        return m == null ? null : Path.of(m);
    }

    /**
     * The model named by {@code --model} or as the command's one argument ({@code inspect ZIP} and
     * {@code inspect -m ZIP} alike), else {@code -Dmodel}; null where none is given. Two different ones are refused.
     */
    static Path model(Path option, Path argument) {
        if (option != null && argument != null && !option.equals(argument)) {
            throw new UserError("Two models given: --model " + option + " and the argument " + argument + ". Pass one "
                    + "(either way: --model ZIP or ZIP alone).");
        }
        return option != null ? option : argument != null ? argument : modelFromProperty();
    }

    /** {@link #model}, which must name one; a run's folder means its model.zip ({@link #inRunFolder}). */
    static Path requireModel(Path option, Path argument) {
        Path model = model(option, argument);
        if (model == null) {
            throw new UserError("No model given: pass --model path/to/model.zip (or -Dmodel=path/to/model.zip with "
                    + "mvn exec:java), e.g. models/two-layer/model.zip after training two-layer.yaml.");
        }
        return inRunFolder(model);
    }

    /** {@code model} (a run's folder: its model.zip), else the newcomer's run's model: predict, serve and calibrate. */
    static Path modelOrDefault(Path model) {
        return model != null ? inRunFolder(model) : DigitClassifier.DEFAULT_MODEL;
    }

    /** A run's folder given as the model ({@code -m models/two-layer}) means the model.zip in it; any other path itself. */
    static Path inRunFolder(Path model) {
        Path zip = new RunFolder(model).model();
        return Files.isDirectory(model) && Files.isRegularFile(zip) ? zip : model;
    }
}
