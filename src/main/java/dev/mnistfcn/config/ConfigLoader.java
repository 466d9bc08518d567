package dev.mnistfcn.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * YAML file + {@link Overrides} → validated {@link ExperimentConfig}: the steps in order, each in its own class
 * ({@link ConfigFiles} finds and reads the file, {@link YamlTree} parses it, {@link ConfigBinder} binds it,
 * {@link DottedKeys} sets the overrides, {@link ConfigValidator} checks the result).
 *
 * <p>The file is bound first on its own, so that errors in it carry its line numbers; overrides
 * ({@code -Dtraining.epochs=2}, {@code --set training.epochs=2}) are then applied to the YAML tree
 * and the result is bound and validated again.
 *
 * <p>Values are read as written. In a file YAML's typing holds for number keys, but a text key gets the scalar's
 * own text ({@code name: 1.10} is "1.10", not 1.1). An override is not YAML at all: a text key takes it exactly
 * as given, a number key only a plain decimal number; the key's type comes from the records ({@link KeyTypes}).
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** {@code NAME} as a path if it is a file, else {@code config/NAME}. */
    public static Path locate(String name) {
        return ConfigFiles.locate(name);
    }

    public static ExperimentConfig load(Path file, Map<String, String> overrides) {
        return load(file, Overrides.of(overrides));
    }

    public static ExperimentConfig load(Path file, Overrides overrides) {
        String text = ConfigFiles.read(file);
        Map<String, String> written = new HashMap<>();
        JsonNode tree = YamlTree.read(text, file.toString(), written);
        if (tree == null || tree.isNull()) {
            tree = JsonNodeFactory.instance.objectNode(); // an empty file (or only comments): all defaults
        }
        if (!tree.isObject()) {
            throw new ConfigException(file + ": the top level must be a mapping of keys (name, seed, model, "
                    + "training, data, output, checkpoint), not " + (tree.isArray() ? "a list" : "a "
                    + tree.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)) + ".");
        }
        KeyTypes.keepTextAsWritten(tree, written);
        KeyTypes.refuseCountsTwice(tree, ExperimentConfig.class, "", file.toString());
        // Pass 1: the file as written, for errors with line numbers.
        ConfigBinder.bind(tree, written, file.toString(), text);
        ObjectNode merged = (ObjectNode) tree;
        if (!merged.hasNonNull("name")) { // "name: ~" or "name:" too: null is the default everywhere
            merged.put("name", ConfigFiles.baseName(file));
        }
        Overrides all = overrides.withDataDirFromEnvironment(merged.at("/data/dataset").asText(DatasetName.MNIST.id()));
        String where = file + (all.isEmpty() ? "" : " with overrides " + all.asMap());
        for (var entry : all.asMap().entrySet()) {
            DottedKeys.set(file, where, merged, entry.getKey(), entry.getValue(), written);
        }
        KeyTypes.keepTextAsWritten(merged, written); // for sections and lists an override set whole
        // Pass 2: with name and overrides applied. Line numbers would point into the rewritten tree, not the
        // user's file: leave them out.
        ExperimentConfig config = ConfigBinder.bind(merged, written, where, null);
        ConfigValidator.validate(config, where);
        return config;
    }

    /** Parses a config from YAML text without overrides (used when reading a config stored with a model). */
    public static ExperimentConfig parse(String yaml, String where) {
        Map<String, String> written = new HashMap<>();
        JsonNode tree = YamlTree.read(yaml, where, written);
        if (tree != null) KeyTypes.keepTextAsWritten(tree, written);
        ExperimentConfig config = ConfigBinder.bind(tree == null ? JsonNodeFactory.instance.objectNode() : tree,
                written, where, yaml);
        ConfigValidator.validate(config, where);
        return config;
    }

    public static String toYaml(ExperimentConfig config) {
        return YamlTree.write(config);
    }
}
