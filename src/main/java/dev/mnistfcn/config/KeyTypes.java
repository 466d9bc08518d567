package dev.mnistfcn.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;

/**
 * The Java type each config key binds to, read from the records themselves so that there is no second
 * list of keys to keep in step. Used to give a text key the text the user wrote, not what YAML makes of it.
 */
final class KeyTypes {
    /** The naming the YAML mapper uses: record component {@code batchSize} is key {@code batch_size}. */
    static final PropertyNamingStrategies.NamingBase NAMING =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    private KeyTypes() {
    }

    /**
     * The type at a dotted path already split into parts ({@code model, hidden, 0, units} → Integer),
     * or null for a path that is not a key (the binder then names the unknown key).
     */
    static Type at(List<String> parts) {
        Type type = ExperimentConfig.class;
        for (String part : parts) {
            Class<?> c = raw(type);
            if (c.isRecord()) {
                type = component(c, part);
            } else if (List.class.isAssignableFrom(c) && part.matches("[0-9]+")) {
                type = element(type);
            } else if (Map.class.isAssignableFrom(c) && type instanceof ParameterizedType pt) {
                type = pt.getActualTypeArguments()[1]; // a schedule's values: any key, one value type
            } else {
                return null;
            }
            if (type == null) return null;
        }
        return type;
    }

    /**
     * Replaces, under every text key of {@code tree}, a number or true/false that YAML read from a plain
     * scalar by the scalar as written ({@code name: 1.10} stays "1.10", not "1.1"; {@code off} stays "off"), and a
     * folder's bare {@code ~} by the home folder's sign.
     *
     * @param written scalar text as written, by JSON pointer ({@code /model/hidden/0/activation})
     */
    static void keepTextAsWritten(JsonNode tree, Map<String, String> written) {
        walk(tree, ExperimentConfig.class, "", written);
    }

    /**
     * A mapping keyed by counts (a map schedule's {@code values}) that names one count twice in two spellings
     * ({@code 5} and {@code 05}): YAML's own duplicate check sees two keys, and the second value silently won.
     */
    static void refuseCountsTwice(JsonNode node, Type type, String path, String where) {
        Class<?> c = raw(type);
        if (c.isRecord() && node instanceof ObjectNode obj) {
            for (RecordComponent rc : c.getRecordComponents()) {
                String key = NAMING.translate(rc.getName());
                if (obj.has(key)) refuseCountsTwice(obj.get(key), rc.getGenericType(), path + key + ".", where);
            }
        } else if (List.class.isAssignableFrom(c) && node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) refuseCountsTwice(arr.get(i), element(type), path + i + ".", where);
        } else if (Map.class.isAssignableFrom(c) && node instanceof ObjectNode obj && type instanceof ParameterizedType pt
                && pt.getActualTypeArguments()[0] == Integer.class) {
            Map<java.math.BigInteger, String> seen = new java.util.HashMap<>();
            for (var names = obj.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                try {
                    String before = seen.put(new java.math.BigInteger(name.strip()), name);
                    if (before != null) {
                        throw new ConfigException(where + ": key '" + path.substring(0, path.length() - 1) + "' names "
                                + "the count " + name.strip().replaceFirst("^0+(?=.)", "") + " twice ('" + before
                                + "' and '" + name + "'); give each count once.");
                    }
                } catch (NumberFormatException notACount) {
                    // the binder names it
                }
            }
        }
    }

    /** The folder keys' name ({@code data.dir}, {@code output.dir}). */
    private static final String FOLDER = "dir";

    private static void walk(JsonNode node, Type type, String pointer, Map<String, String> written) {
        Class<?> c = raw(type);
        if (c.isRecord() && node instanceof ObjectNode obj) {
            for (RecordComponent rc : c.getRecordComponents()) {
                String key = NAMING.translate(rc.getName());
                JsonNode child = obj.get(key);
                if (child == null) continue;
                String p = pointer + "/" + key;
                if (rc.getType() == String.class && (child.isNumber() || child.isBoolean())) {
                    obj.set(key, TextNode.valueOf(written.getOrDefault(p, child.asText())));
                } else if (key.equals(FOLDER) && child.isNull() && "~".equals(written.get(p))) {
                    // YAML reads a bare ~ as null, which gave the default folder: here it is the home folder, as
                    // -Doutput.dir=~ and "~/runs" are (docs/configs.md)
                    obj.set(key, TextNode.valueOf("~"));
                } else {
                    walk(child, rc.getGenericType(), p, written);
                }
            }
        } else if (List.class.isAssignableFrom(c) && node instanceof ArrayNode arr) {
            Type e = element(type);
            for (int i = 0; i < arr.size(); i++) {
                String p = pointer + "/" + i;
                if (raw(e) == String.class && (arr.get(i).isNumber() || arr.get(i).isBoolean())) {
                    arr.set(i, TextNode.valueOf(written.getOrDefault(p, arr.get(i).asText())));
                } else {
                    walk(arr.get(i), e, p, written);
                }
            }
        }
    }

    /** Every dotted path through the config's sections (not into lists or maps) whose last part is {@code leaf}. */
    static List<String> pathsEndingIn(String leaf) {
        List<String> found = new java.util.ArrayList<>();
        collect(ExperimentConfig.class, "", leaf, found);
        return found;
    }

    private static void collect(Class<?> record, String prefix, String leaf, List<String> found) {
        for (RecordComponent rc : record.getRecordComponents()) {
            String key = NAMING.translate(rc.getName()), path = prefix + key;
            if (key.equals(leaf)) found.add(path);
            if (rc.getType().isRecord()) collect(rc.getType(), path + ".", leaf, found);
        }
    }

    private static Type component(Class<?> record, String key) {
        for (RecordComponent rc : record.getRecordComponents()) {
            if (NAMING.translate(rc.getName()).equals(key)) return rc.getGenericType();
        }
        return null;
    }

    private static Type element(Type listType) {
        return listType instanceof ParameterizedType pt ? pt.getActualTypeArguments()[0] : Object.class;
    }

    static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) return c;
        if (type instanceof ParameterizedType pt) return (Class<?>) pt.getRawType();
        return Object.class;
    }
}
