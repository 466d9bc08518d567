package dev.mnistfcn.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a config can say about its images: a {@code data.dataset} value and the folder {@code data.dir} defaults to
 * for it. The datasets themselves (titles, class names, files) are {@code data.Dataset}'s, a layer above: config
 * sits below data, and checking a config needs only these names.
 */
public enum DatasetName {
    MNIST("mnist", "data/mnist"),
    /** Debian's dataset-fashion-mnist package puts the files here. */
    FASHION_MNIST("fashion-mnist", "/usr/share/datasets/fashion-mnist");

    private final String id;
    private final String defaultDir;

    DatasetName(String id, String defaultDir) {
        this.id = id;
        this.defaultDir = defaultDir;
    }

    /** The name in configs and metrics.json: {@code mnist}, {@code fashion-mnist}. */
    public String id() {
        return id;
    }

    /** Where {@code data.dir} points when the config does not say. */
    public String defaultDir() {
        return defaultDir;
    }

    /** Accepted {@code data.dataset} values. */
    public static List<String> idList() {
        return Arrays.stream(values()).map(DatasetName::id).toList();
    }

    /** Accepted {@code data.dataset} values, for error messages. */
    public static String ids() {
        return String.join(", ", idList());
    }

    public static Optional<DatasetName> byId(String id) {
        return Arrays.stream(values()).filter(d -> d.id.equals(id)).findFirst();
    }
}
