package dev.mnistfcn.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mnistfcn.UserError;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Defence in depth before DL4J parses configuration.json: its Jackson loads (and initialises) whatever class a
 * type id names, before checking that it fits. So every type id must name an existing DL4J/ND4J class.
 * DL4J 1.0.0-M2.1's type ids: {@code "@class"} everywhere, {@code "type"} on a weight distribution, and a
 * two-element array {@code ["class.Name", {...}]}, which Jackson also accepts for a polymorphic value.
 * (Legacy configurations name types by short registered names, e.g. {@code {"dense": {...}}}: no class names.)
 */
final class ConfigurationTypeIds {
    /**
     * What a type id in configuration.json may name: a plain class name in DL4J's or ND4J's own packages, not in
     * the third-party code ND4J shades under org.nd4j.shade (and no generics or arrays, which Jackson would
     * resolve into further classes).
     */
    private static final Pattern OWN_CLASS = Pattern.compile(
            "(?!org\\.nd4j\\.shade\\.)(org\\.deeplearning4j|org\\.nd4j)(\\.[A-Za-z_$][A-Za-z0-9_$]*)+");
    /**
     * Strict where DL4J's own parser is lenient, so that the tree checked is the configuration DL4J reads: with a
     * key given twice DL4J takes the first {@code @class} while a tree keeps the last.
     */
    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ConfigurationTypeIds() {
    }

    /** Throws a {@link UserError} naming the file and the type id unless every one names a DL4J/ND4J class here. */
    static void check(Path file, String json) {
        JsonNode root;
        try {
            root = STRICT.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UserError("Model file " + file + " was rejected: its " + ModelFiles.CONFIGURATION + " is not valid JSON as "
                    + "DL4J writes it (" + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : ", line " + e.getLocation().getLineNr()) + "). Give a "
                    + "zip written by mnist-fcn or ModelSerializer.writeModel.");
        }
        checkTypeIds(file, root, "");
    }

    private static void checkTypeIds(Path file, JsonNode node, String path) {
        if (node.isObject()) {
            for (var it = node.fields(); it.hasNext(); ) {
                var field = it.next();
                String key = field.getKey();
                JsonNode value = field.getValue();
                String at = path.isEmpty() ? key : path + "." + key;
                if (key.equals("@class")) {
                    checkClassName(file, value.isTextual() ? value.asText() : value.toString(), at);
                } else if (key.equals("type") && value.isTextual() && value.asText().contains(".")) {
                    // "type" is also an ordinary field name; only a dotted value can name a loadable class.
                    checkClassName(file, value.asText(), at);
                }
                checkTypeIds(file, value, at);
            }
        } else if (node.isArray()) {
            if (node.size() == 2 && node.get(0).isTextual() && node.get(0).asText().contains(".")) {
                checkClassName(file, node.get(0).asText(), path + "[0]");
            }
            for (int i = 0; i < node.size(); i++) {
                checkTypeIds(file, node.get(i), path + "[" + i + "]");
            }
        }
    }

    private static void checkClassName(Path file, String name, String at) {
        // A stranger's text, so cut short in the message.
        String shown = name.length() > 200 ? name.substring(0, 200) + "…" : name;
        if (!OWN_CLASS.matcher(name).matches()) {
            throw new UserError("Model file " + file + " was rejected: its " + ModelFiles.CONFIGURATION + " names the class '"
                    + shown + "' (at " + at + "), which is not a DL4J/ND4J class; mnist-fcn only instantiates DL4J's "
                    + "and ND4J's own configuration classes from a stranger's zip.");
        }
        try {
            // Loaded, not initialised: no static code of the named class runs here.
            Class.forName(name, false, ConfigurationTypeIds.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new UserError("Model file " + file + " was rejected: its " + ModelFiles.CONFIGURATION + " names the class '"
                    + shown + "' (at " + at + "), which does not exist in the DL4J/ND4J version mnist-fcn runs on. The "
                    + "zip may come from another DL4J version or hold a custom layer, or be damaged; give a zip written "
                    + "by mnist-fcn or by ModelSerializer.writeModel with the same DL4J version.");
        }
    }
}
