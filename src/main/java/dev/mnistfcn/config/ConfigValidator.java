package dev.mnistfcn.config;

import org.nd4j.linalg.activations.Activation;

import static dev.mnistfcn.Mnist.CLASSES;
import static dev.mnistfcn.Mnist.PIXELS;
import static dev.mnistfcn.Mnist.TRAIN_FILE_SIZE;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Value checks that types alone cannot express; each failure names the key and what is accepted. */
public final class ConfigValidator {
    /** What data.dir and output.dir accept. */
    private static final String FOLDER = "a folder path (~ and ~/… are your home folder; ~user/… is not expanded: "
            + "write that folder's full path)";

    private ConfigValidator() {
    }

    public static void validate(ExperimentConfig c, String where) {
        if (!RunName.isValid(c.name())) {
            fail(where, "name", c.name(), "a run name made of " + RunName.RULE + " (it names one folder under "
                    + c.output().dir() + "/)");
        }
        ModelSpec m = c.model();
        if (m.input() != PIXELS) fail(where, "model.input", m.input(), PIXELS + " (MNIST images are 28×28 pixels)");
        if (m.output() != CLASSES) fail(where, "model.output", m.output(), CLASSES + " (MNIST has ten digit classes)");
        checkInit(where, "model.output_init", m.outputInit());
        checkDropout(where, "model.input_dropout", m.inputDropout());
        for (int i = 0; i < m.hidden().size(); i++) {
            LayerSpec l = m.hidden().get(i);
            String p = "model.hidden[" + i + "]";
            if (l == null) {
                throw new ConfigException(where + ": key '" + p + "' is an empty list item (a '-' with nothing after it), "
                        + "which is not accepted. Expected a layer with at least 'units', e.g. '- units: 128'.");
            }
            if (l.units() == null) fail(where, p + ".units", null, "a whole number of units ≥ 1 (the key is required)");
            if (l.units() <= 0) fail(where, p + ".units", l.units(), "a whole number of units ≥ 1");
            activation(where, p + ".activation", l.activation());
            checkInit(where, p + ".init", l.init());
            checkDropout(where, p + ".dropout", l.dropout());
            if (l.l2() != null && l.l2() < 0) fail(where, p + ".l2", l.l2(), "an L2 coefficient ≥ 0");
        }
        if (m.hidden().size() > ModelSpec.MAX_HIDDEN_LAYERS) {
            throw new ConfigException(String.format(Locale.ROOT, "%s: key 'model.hidden' lists %,d layers, more than the "
                    + "%d a saved model can hold. Use fewer, wider layers.", where, m.hidden().size(),
                    ModelSpec.MAX_HIDDEN_LAYERS));
        }
        if (m.parameters() > ModelSpec.MAX_PARAMETERS) {
            throw new ConfigException(String.format(Locale.ROOT, "%s: key 'model.hidden' makes a network of %,d parameters, "
                    + "more than the %,d (128 MiB of float32) that mnist-fcn saves and loads. Use fewer units (the units "
                    + "are %s).", where, m.parameters(), ModelSpec.MAX_PARAMETERS,
                    m.hidden().stream().map(l -> String.valueOf(l.units())).toList()));
        }
        // The split first: the batch size is checked against what it leaves, so that an impossible split is
        // blamed on the data key that made it, not on training.batch_size.
        DataSpec d = c.data();
        if (DatasetName.byId(d.dataset()).isEmpty()) {
            fail(where, "data.dataset", d.dataset(), "one of " + DatasetName.ids() + " (both 28×28 grey images in ten "
                    + "classes: handwritten digits, or Zalando's clothing pictures)");
        }
        if (d.dir().isBlank() || HomeFolder.unexpanded(d.dir())) fail(where, "data.dir", d.dir(), FOLDER);
        if (d.validationSize() < 1 || d.validationSize() >= TRAIN_FILE_SIZE) {
            fail(where, "data.validation_size", d.validationSize(), String.format(Locale.ROOT, "a whole number from 1 to %,d (the "
                    + "training file's %,d images less at least one to train on)", TRAIN_FILE_SIZE - 1, TRAIN_FILE_SIZE));
        }
        int left = TRAIN_FILE_SIZE - d.validationSize();
        if (d.trainLimit() < 0 || d.trainLimit() > left) {
            fail(where, "data.train_limit", d.trainLimit(), String.format(Locale.ROOT, "0 (all) or a whole number up to %,d (the "
                    + "training file's %,d images less data.validation_size %,d)", left, TRAIN_FILE_SIZE, d.validationSize()));
        }
        if (d.augment() != null) AugmentChecks.check(where, d.augment());
        TrainingSpec t = c.training();
        if (t.epochs() < 1 || t.epochs() > TrainingSpec.MAX_EPOCHS) {
            fail(where, "training.epochs", t.epochs(), String.format(Locale.ROOT, "a whole number from 1 to %,d",
                    TrainingSpec.MAX_EPOCHS));
        }
        int trainSize = d.trainSize();
        if (t.batchSize() < 1 || t.batchSize() > trainSize) {
            fail(where, "training.batch_size", t.batchSize(), String.format(Locale.ROOT, "a whole number from 1 to the training-set "
                    + "size, %,d (%s)", trainSize, d.trainLimit() > 0 ? "data.train_limit; raise it for a larger batch"
                    : String.format(Locale.ROOT, "the training file's %,d images less data.validation_size %,d; lower "
                    + "that for a larger batch", TRAIN_FILE_SIZE, d.validationSize())));
        }
        if (!TrainingSpec.ENGINES.contains(t.engine())) {
            fail(where, "training.engine", t.engine(), "one of " + String.join(", ", TrainingSpec.ENGINES)
                    + " (auto: the fused engine where it computes what DL4J's fit computes, else DL4J)");
        }
        EarlyStoppingSpec es = t.earlyStopping();
        if (es != null) {
            if (!EarlyStoppingSpec.MONITORS.contains(es.monitor())) {
                fail(where, "training.early_stopping.monitor", es.monitor(), "one of " + String.join(", ",
                        EarlyStoppingSpec.MONITORS) + " (the validation loss, which is minimised, or the validation "
                        + "accuracy, which is maximised)");
            }
            if (es.patience() < 1) {
                fail(where, "training.early_stopping.patience", es.patience(), "a whole number of epochs ≥ 1 (how many "
                        + "epochs in a row without improvement end the run)");
            }
            if (!(es.minDelta() >= 0)) {
                fail(where, "training.early_stopping.min_delta", es.minDelta(), "a number ≥ 0 (the change that counts "
                        + "as an improvement; val_accuracy is a fraction, so 0.001 is 0.1 points)");
            }
        }
        UpdaterSpec u = t.updater();
        if (!UpdaterSpec.TYPES.contains(u.type())) {
            fail(where, "training.updater.type", u.type(), "one of " + String.join(", ", UpdaterSpec.TYPES));
        }
        if (!(u.learningRate() > 0)) fail(where, "training.updater.learning_rate", u.learningRate(), "a number > 0");
        List<String> takes = UpdaterSpec.OPTIONAL_KEYS.getOrDefault(u.type(), List.of());
        for (String key : UpdaterSpec.OPTIONAL) {
            Double v = u.optional(key);
            if (v == null) continue;
            if (key.equals("epsilon") ? !(v > 0) : !(v >= 0 && v < 1)) {
                fail(where, "training.updater." + key, v, key.equals("epsilon") ? "a number > 0" : "a number in [0, 1)");
            }
            // A key the type does not read was dropped without a word: sgd with momentum 0.9 trained as plain SGD.
            if (!takes.contains(key)) {
                String users = UpdaterSpec.OPTIONAL_KEYS.entrySet().stream().filter(k -> k.getValue().contains(key))
                        .map(Map.Entry::getKey).sorted().collect(Collectors.joining(", "));
                fail(where, "training.updater." + key, v, "no " + key + " for updater type '" + u.type() + "', "
                        + "which does not use it (it takes " + (takes.isEmpty() ? "learning_rate only" : "learning_rate, "
                        + String.join(", ", takes)) + "; " + key + " is for " + users + ")");
            }
        }
        if (u.schedule() != null) ScheduleChecks.check(where, u.schedule(), u.learningRate());
        if (u.weightDecay() != null) {
            if (!(u.weightDecay() >= 0)) fail(where, "training.updater.weight_decay", u.weightDecay(), "a coefficient ≥ 0");
            for (int i = 0; i < m.hidden().size(); i++) {
                Double l2 = m.hidden().get(i).l2();
                // DL4J keeps one of the two on a layer (its builder drops the other with a warning): say so here.
                if (u.weightDecay() > 0 && l2 != null && l2 > 0) {
                    fail(where, "model.hidden[" + i + "].l2", l2, "no l2 together with training.updater.weight_decay "
                            + u.weightDecay() + " (DL4J applies one or the other to a layer's weights; keep one)");
                }
            }
        }
        if (c.output().dir().isBlank() || HomeFolder.unexpanded(c.output().dir())) {
            fail(where, "output.dir", c.output().dir(), FOLDER);
        }
        CheckpointSpec cp = c.checkpoint();
        if (cp.every() < 0) fail(where, "checkpoint.every", cp.every(), "0 (no checkpoints) or a number of epochs ≥ 1");
        if (cp.keep() < 1) fail(where, "checkpoint.keep", cp.keep(), "a whole number ≥ 1");
    }

    /** The hidden layers' activations as configs name them: DL4J's, lower-case, but softmax. */
    static final List<String> ACTIVATIONS = Arrays.stream(Activation.values()).filter(a -> a != Activation.SOFTMAX)
            .map(a -> a.name().toLowerCase(Locale.ROOT)).toList();

    /** The DL4J activation for a config name (case-insensitive), or a ConfigException. */
    public static Activation activation(String where, String key, String name) {
        for (Activation a : Activation.values()) {
            if (a.name().equalsIgnoreCase(name) && a != Activation.SOFTMAX) return a;
        }
        throw fail(where, key, name, "one of " + String.join(", ", ACTIVATIONS)
                + " (the output layer is always softmax)");
    }

    private static void checkDropout(String where, String key, Double p) {
        if (p != null && !(p >= 0 && p < 1)) fail(where, key, p, "a drop probability in [0, 1) (0.2: drop one value in five)");
    }

    private static void checkInit(String where, String key, InitSpec init) {
        if (!InitSpec.acceptedTypes().contains(init.type())) {
            fail(where, key + ".type", init.type(), "one of " + String.join(", ", InitSpec.acceptedTypes()));
        }
        if (InitSpec.DISTRIBUTIONS.contains(init.type())) {
            if (!(init.stddev() > 0)) fail(where, key + ".stddev", init.stddev(), "a standard deviation > 0");
        } else if (init.stddev() != null || init.mean() != null) {
            // Blame the key that is actually there (mean alone used to be reported as a missing stddev).
            String given = init.stddev() != null ? "stddev" : "mean";
            fail(where, key + "." + given, init.stddev() != null ? init.stddev() : init.mean(), "no stddev/mean: '"
                    + init.type() + "' derives its scale from the layer size; use type normal or truncated_normal to set "
                    + given);
        }
    }

    static ConfigException fail(String where, String key, Object value, String accepted) {
        throw new ConfigException(where + ": key '" + key + "' has value " + (value == null ? "(missing)" : "'"
                + shown(value) + "'") + ", which is not accepted. Expected " + accepted + ".");
    }

    /** A number as people write it: 0 and 100 rather than Java's 0.0 and 100.0, 0.001 as it is, 1E-10 so. */
    static String shown(Object value) {
        if (!(value instanceof Double d) || !Double.isFinite(d)) return String.valueOf(value);
        BigDecimal n = BigDecimal.valueOf(d).stripTrailingZeros();
        return d == 0 || Math.abs(d) >= 1e-4 && Math.abs(d) < 1e15 ? n.toPlainString() : n.toString();
    }
}
