package dev.mnistfcn.config;


import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Values for config keys by dotted path ({@code training.epochs=2}, {@code model.hidden.0.units=128}) that replace
 * what the YAML file says; immutable. A command builds them in one order, each source winning over the ones before:
 * its presets ({@code --quick}), then {@link #withSystemProperties() -D properties}, then {@code --set}, then its
 * own options ({@code --data-dir}, {@code --engine}). Loading puts {@value #DATA_DIR_ENV} in front of them all
 * ({@link #withDataDirFromEnvironment}). A key keeps the place it was first given and takes the last value.
 */
public final class Overrides {
    /** Top-level keys; a system property whose first dotted segment is one of these is an override. */
    public static final Set<String> SECTIONS = Set.of("model", "training", "data", "output", "checkpoint");
    /** Environment variable that overrides {@code data.dir} for MNIST (CLI options and -D still win). */
    public static final String DATA_DIR_ENV = "MNIST_FCN_DATA_DIR";

    private static final Overrides NONE = new Overrides(new LinkedHashMap<>());

    private final Map<String, String> values;

    private Overrides(LinkedHashMap<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public static Overrides none() {
        return NONE;
    }

    /** The values in the map's order. */
    public static Overrides of(Map<String, String> values) {
        return NONE.with(values);
    }

    /** With {@code key=value}; a null value (an option not given) leaves them as they are. */
    public Overrides with(String key, String value) {
        return value == null ? this : with(Map.of(key, value));
    }

    /** With these values ({@code --set}), which win over the ones before. */
    public Overrides with(Map<String, String> more) {
        if (more.isEmpty()) return this;
        LinkedHashMap<String, String> next = new LinkedHashMap<>(values);
        next.putAll(more);
        return new Overrides(next);
    }

    /** Whether {@code dottedPath} names a config key ({@code training.epochs}, {@code model.hidden.0.units}). */
    public static boolean isKey(String dottedPath) {
        return KeyTypes.at(List.of(DottedKeys.parts(dottedPath))) != null;
    }

    /**
     * The config keys whose last part is {@code leaf} ({@code epochs} → {@code training.epochs}), for a property that
     * names a key without its section.
     */
    public static List<String> keysNamed(String leaf) {
        return KeyTypes.pathsEndingIn(leaf);
    }

    /** With the system properties that are overrides: {@code -Dname}, {@code -Dseed} and dotted keys under the sections. */
    public Overrides withSystemProperties() {
        Map<String, String> found = new LinkedHashMap<>();
        for (String key : new TreeSet<>(System.getProperties().stringPropertyNames())) {
            int dot = key.indexOf('.');
            String head = dot < 0 ? key : key.substring(0, dot);
            if ((dot > 0 && SECTIONS.contains(head)) || key.equals("seed") || key.equals("name")) {
                found.put(key, System.getProperty(key));
            }
        }
        return with(found);
    }

    public Overrides without(String key) {
        if (!values.containsKey(key)) return this;
        LinkedHashMap<String, String> next = new LinkedHashMap<>(values);
        next.remove(key);
        return new Overrides(next);
    }

    /** Key → value in the order they are applied (unmodifiable). */
    public Map<String, String> asMap() {
        return values;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** {@value #DATA_DIR_ENV} where it is set and not blank: the one place the variable is read. */
    public static Optional<String> dataDirFromEnvironment() {
        String dir = System.getenv(DATA_DIR_ENV);
        return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(dir);
    }

    /**
     * These overrides behind {@value #DATA_DIR_ENV} as {@code data.dir}, where the variable is set, no override sets
     * {@code data.dir} and the dataset is MNIST (the file's, or an override's).
     */
    Overrides withDataDirFromEnvironment(String fileDataset) {
        return withDataDir(dataDirFromEnvironment().orElse(null), fileDataset);
    }

    /** {@link #withDataDirFromEnvironment} with the variable's value given (null: not set). */
    Overrides withDataDir(String environmentDir, String fileDataset) {
        // The variable names where MNIST lives: another dataset keeps its own folder (Fashion-MNIST: Debian's).
        String dataset = values.getOrDefault("data.dataset", fileDataset);
        boolean mnist = DatasetName.MNIST.id().equalsIgnoreCase(dataset);
        if (environmentDir == null || values.containsKey("data.dir") || !mnist) return this;
        return none().with("data.dir", environmentDir).with(values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Overrides other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** As the error messages show them: {@code {training.epochs=2, data.dir=/tmp/mnist}}. */
    @Override
    public String toString() {
        return values.toString();
    }
}
