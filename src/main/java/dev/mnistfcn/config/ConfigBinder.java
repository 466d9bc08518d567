package dev.mnistfcn.config;

import dev.mnistfcn.Json;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.mnistfcn.config.YamlTree.YAML;

/** A YAML tree → the config records; an error names the key, the value as written and, in a file, its line. */
final class ConfigBinder {
    private ConfigBinder() {
    }

    /**
     * Binds the tree; errors name the key and the value as written.
     *
     * @param text the file's text for line numbers, or null where the tree is no longer the file
     */
    static ExperimentConfig bind(JsonNode tree, Map<String, String> written, String where, String text) {
        try {
            ExperimentConfig c = YAML.treeToValue(tree, ExperimentConfig.class);
            return c == null ? new ExperimentConfig(null, null, null, null, null, null, null) : c;
        } catch (UnrecognizedPropertyException e) {
            String path = keyPath(e);
            String accepted = e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", "));
            String parent = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "";
            throw new ConfigException(where + ": unknown key '" + path + "'" + YamlLines.ofKey(text, e) + ". Keys accepted "
                    + (parent.isEmpty() ? "at the top level" : "under '" + parent + "'") + ": " + accepted
                    + ". Check the spelling (keys use snake_case).");
        } catch (MismatchedInputException e) {
            JsonNode value = tree.at(YamlLines.pointer(e));
            if (e instanceof InvalidFormatException f && value.isObject() && f.getValue() instanceof String entry
                    && value.has(entry)) { // a map's entry whose name is not a key of its type: name the entry
                throw new ConfigException(where + ": key '" + keyPath(e) + "'" + YamlLines.ofKey(text, e) + " has the entry '"
                        + entry + "', whose name is not " + typeName(e.getTargetType()) + ".");
            }
            String shown = value.isMissingNode() ? ""
                    : value.isValueNode() ? " has value '" + written.getOrDefault(YamlLines.pointer(e), value.asText()) + "', which is"
                    : " holds a " + (value.isArray() ? "list" : "section") + ", which is";
            throw new ConfigException(where + ": key '" + keyPath(e) + "'" + YamlLines.ofKey(text, e)
                    + (shown.isEmpty() ? " has the wrong type: it is" : shown) + " not " + typeName(e.getTargetType()) + ".");
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof InputCoercionException) { // a whole number past what Java's int holds
                throw new ConfigException(where + ": key '" + keyPath(e) + "'" + YamlLines.ofKey(text, e) + " has value '"
                        + written.getOrDefault(YamlLines.pointer(e), tree.at(YamlLines.pointer(e)).asText()) + "', a whole number far larger "
                        + "than any key takes (docs/configs.md gives each key's range).");
            }
            throw new ConfigException(where + ": key '" + keyPath(e) + "'" + YamlLines.ofKey(text, e) + ": " + Json.problem(e));
        } catch (JsonProcessingException e) {
            throw new ConfigException(where + ": " + Json.problem(e));
        }
    }

    static String keyPath(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) sb.append('.');
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "(top level)" : sb.toString();
    }

    private static String typeName(Class<?> type) {
        if (type == null) return "a value of another type";
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "a whole number";
        if (type == Double.class || type == double.class) return "a number";
        if (type == String.class) return "a text value";
        if (List.class.isAssignableFrom(type)) return "a list";
        if (type.isRecord()) return "a mapping of keys (a section)";
        return "a " + type.getSimpleName();
    }
}
