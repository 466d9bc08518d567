package dev.mnistfcn.config;

import dev.mnistfcn.Json;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.util.Map;

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
            throw YamlLines.unknownKey(where, text, e);
        } catch (MismatchedInputException e) {
            JsonNode value = tree.at(YamlLines.pointer(e));
            if (e instanceof InvalidFormatException f && value.isObject() && f.getValue() instanceof String entry
                    && value.has(entry)) { // a map's entry whose name is not a key of its type: name the entry
                throw new ConfigException(where + ": " + YamlLines.key(text, e) + " has the entry '"
                        + entry + "', whose name is not " + YamlLines.typeName(e.getTargetType()) + ".");
            }
            String shown = value.isMissingNode() ? ""
                    : value.isValueNode() ? " has value '" + written.getOrDefault(YamlLines.pointer(e), value.asText()) + "', which is"
                    : " holds a " + (value.isArray() ? "list" : "section") + ", which is";
            throw new ConfigException(where + ": " + YamlLines.key(text, e)
                    + (shown.isEmpty() ? " has the wrong type: it is" : shown) + " not " + YamlLines.typeName(e.getTargetType()) + ".");
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof InputCoercionException) { // a whole number past what Java's int holds
                throw new ConfigException(where + ": " + YamlLines.key(text, e) + " has value '"
                        + written.getOrDefault(YamlLines.pointer(e), tree.at(YamlLines.pointer(e)).asText()) + "', a whole number far larger "
                        + "than any key takes (docs/configs.md gives each key's range).");
            }
            throw new ConfigException(where + ": " + YamlLines.key(text, e) + ": " + Json.problem(e));
        } catch (JsonProcessingException e) {
            throw new ConfigException(where + ": " + Json.problem(e));
        }
    }
}
