package dev.mnistfcn.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.lang.reflect.Type;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sets one override in a config's YAML tree by its dotted key ({@code training.epochs},
 * {@code model.hidden.0.units} or {@code model.hidden[0].units}). An override is not YAML: a text key takes
 * the value exactly as given, a number key only a plain decimal number; the key's type comes from {@link KeyTypes}.
 */
final class DottedKeys {
    private static final String WHOLE = "-?[0-9]+";
    private static final String DECIMAL = "-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?";

    private DottedKeys() {
    }

    /** {@code model.hidden[0].units} or {@code model.hidden.0.units} → model, hidden, 0, units. */
    static String[] parts(String key) {
        return key.replace("[", ".").replace("]", "").split("\\.", -1);
    }

    /**
     * @param where   the file and all its overrides, for errors about a value
     * @param written what the file wrote under each JSON pointer; what it wrote under this key is dropped
     */
    static void set(Path file, String where, ObjectNode root, String key, String value, Map<String, String> written) {
        String[] parts = parts(key);
        if (Arrays.stream(parts).anyMatch(String::isEmpty)) { // "", ".", "[", "a..b" (found by fuzzing)
            throw badOverride(file, key, value, "the key is not a path of names and list indexes");
        }
        JsonNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = child(node, parts[i]);
            if (node instanceof ArrayNode arr && next == null) {
                throw badOverride(file, key, value, "index " + parts[i] + " is outside the list of " + arr.size());
            }
            if (next == null || next.isNull()) {
                if (node instanceof ObjectNode obj) {
                    next = obj.putObject(parts[i]);
                } else if (node instanceof ArrayNode arr) {
                    next = arr.objectNode(); // an empty list item ("-" alone) becomes the layer being set
                    arr.set(index(parts[i]), next);
                } else {
                    throw badOverride(file, key, value, "'" + String.join(".", Arrays.copyOf(parts, i))
                            + "' is a single value, not a section");
                }
            }
            node = next;
        }
        JsonNode parsedValue = typed(where, key, value, KeyTypes.at(List.of(parts)));
        Map<String, String> inside = new HashMap<>();
        if (parsedValue == null) {
            // A section or a list (or a key that does not exist, which binding then names): YAML as written,
            // so that -Dmodel.hidden=[] still works and a scalar there is a type error. Read as a file is, so that
            // its text keeps what was written ('output={dir: 0x10}' wrote into the folder 16; a review).
            try {
                parsedValue = YamlTree.read(value.isEmpty() ? "''" : value, "the value", inside);
            } catch (ConfigException e) {
                throw badOverride(file, key, value, e.getMessage().replaceFirst("\\. Fix the syntax.*", "")
                        .replaceFirst("\\.$", ""));
            }
            if (parsedValue == null) parsedValue = NullNode.getInstance(); // only a comment
        }
        // What the file had written under this key no longer applies; what the value wrote inside it does.
        String pointer = "/" + String.join("/", parts);
        written.keySet().removeIf(k -> k.equals(pointer) || k.startsWith(pointer + "/"));
        inside.forEach((k, v) -> written.put(pointer + k, v));
        String last = parts[parts.length - 1];
        if (node instanceof ObjectNode obj) {
            obj.set(last, parsedValue);
        } else if (node instanceof ArrayNode arr) {
            int idx = index(last);
            if (idx < 0 || idx >= arr.size()) {
                throw badOverride(file, key, value, "index " + last + " is outside the list of " + arr.size());
            }
            arr.set(idx, parsedValue);
        } else {
            throw badOverride(file, key, value, "'" + String.join(".", Arrays.copyOf(parts, parts.length - 1))
                    + "' is a single value, not a section");
        }
    }

    /**
     * An override's value as the key's type reads it: a text key takes the value exactly as written (no YAML:
     * {@code 1.10}, {@code off}, {@code ~} and {@code run #1} stay text), a number key only a plain decimal
     * number ({@code 012} is twelve, not YAML's octal ten). An unknown key's value is text (the binder then names
     * the key); null for sections and lists.
     */
    private static JsonNode typed(String where, String key, String value, Type type) {
        Class<?> c = type == null ? null : KeyTypes.raw(type);
        if (c == null || c == String.class) return TextNode.valueOf(value);
        if (c == Integer.class || c == Long.class) {
            long min = c == Integer.class ? Integer.MIN_VALUE : Long.MIN_VALUE;
            long max = c == Integer.class ? Integer.MAX_VALUE : Long.MAX_VALUE;
            if (!value.matches(WHOLE)) {
                throw badValue(where, key, value, "a whole number written with the digits 0-9 and an optional "
                        + "leading '-', e.g. 20");
            }
            BigInteger n = new BigInteger(value);
            if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
                // Java's range, not the key's (that is checked later): "from -2,147,483,648" read as if negatives did.
                throw badValue(where, key, value, String.format(Locale.ROOT, "a whole number within ±%,d; docs/configs.md "
                        + "gives each key's own range", max));
            }
            return c == Integer.class ? JsonNodeFactory.instance.numberNode(n.intValue())
                    : JsonNodeFactory.instance.numberNode(n.longValue());
        }
        if (c == Double.class) {
            String accepted = "a decimal number such as 0.01, 5 or 1e-4";
            if (!value.matches(DECIMAL)) throw badValue(where, key, value, accepted);
            double d = Double.parseDouble(value);
            if (!representable(value, d)) throw badValue(where, key, value, accepted);
            return JsonNodeFactory.instance.numberNode(d);
        }
        return null;
    }

    /**
     * Whether decimal {@code text} survived as double {@code d}: a number (not YAML's .nan), not past the largest
     * double (1e999 is Infinity) and not under the smallest (1e-400 is 0, which an error then called "value '0'").
     */
    static boolean representable(String text, double d) {
        if (!Double.isFinite(d)) return false;
        String digits = text.split("[eE]")[0];
        return d != 0 || !digits.matches(".*[1-9].*");
    }

    private static ConfigException badValue(String where, String key, String value, String accepted) {
        return new ConfigException(where + ": key '" + key + "' has value '" + value + "', which is not accepted. "
                + "Expected " + accepted + ".");
    }

    private static ConfigException badOverride(Path file, String key, String value, String why) {
        return new ConfigException("Override " + key + "=" + value + " for " + file + " cannot be applied: " + why
                + ". Overrides are dotted key paths into the YAML, e.g. -Dtraining.epochs=2 or "
                + "--set model.hidden.0.units=128.");
    }

    private static JsonNode child(JsonNode node, String part) {
        if (node instanceof ArrayNode arr) {
            int idx = index(part);
            return idx >= 0 && idx < arr.size() ? arr.get(idx) : null;
        }
        return node.get(part);
    }

    private static int index(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
