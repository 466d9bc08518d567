package dev.mnistfcn.data;

import dev.mnistfcn.Mnist;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.DataSpec;
import dev.mnistfcn.config.DatasetName;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The image sets the app trains on ({@code data.dataset}). Both are MNIST-shaped ({@link Mnist}): 28×28 grey images
 * in ten classes, 60,000 to train and 10,000 to test, as four IDX files with the same names; only where the files
 * come from, their checksums and what the ten classes are called differ. Their names and default folders are
 * {@link DatasetName}'s, which configs are checked against.
 */
public enum Dataset {
    MNIST(DatasetName.MNIST, "MNIST", "digit",
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")),
    /** Zalando's article images; labels in the order of its README (label 0 is T-shirt/top). */
    FASHION_MNIST(DatasetName.FASHION_MNIST, "Fashion-MNIST", "class",
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                    "Ankle boot"));

    private final DatasetName name;
    private final String title;
    private final String classWord;
    private final List<String> classes;

    Dataset(DatasetName name, String title, String classWord, List<String> classes) {
        this.name = name;
        this.title = title;
        this.classWord = classWord;
        this.classes = classes;
    }

    /** The name in configs and metrics.json: {@code mnist}, {@code fashion-mnist}. */
    public String id() {
        return name.id();
    }

    /** The name people write: MNIST, Fashion-MNIST. */
    public String title() {
        return title;
    }

    /** What one class is called in a table header: "digit" or "class". */
    public String classWord() {
        return classWord;
    }

    /** Where {@code data.dir} points when the config does not say (Fashion-MNIST: Debian's dataset-fashion-mnist). */
    public String defaultDir() {
        return name.defaultDir();
    }

    /** The ten class names, label 0 first (MNIST's are the digits themselves). */
    public List<String> classes() {
        return classes;
    }

    /** The name of class {@code label}; the number itself when it is out of range. */
    public String label(int label) {
        return label >= 0 && label < classes.size() ? classes.get(label) : Integer.toString(label);
    }

    /** The title of the dataset {@code id} names, or the id quoted where it names none. */
    public static String title(String id) {
        return byId(id).map(Dataset::title).orElse("'" + id + "'");
    }

    public static Optional<Dataset> byId(String id) {
        return DatasetName.byId(id).flatMap(n -> Arrays.stream(values()).filter(d -> d.name == n).findFirst());
    }

    /** The dataset named {@code id}; MNIST for null (files written before datasets were recorded were all MNIST). */
    public static Dataset of(String id) {
        if (id == null) return MNIST;
        return byId(id).orElseThrow(() -> new UserError("Unknown dataset '" + id + "'. Expected one of "
                + DatasetName.ids() + "."));
    }

    /** The dataset {@code spec} names; call after validation (an unknown name is a config error there). */
    public static Dataset of(DataSpec spec) {
        return of(spec.dataset());
    }
}
