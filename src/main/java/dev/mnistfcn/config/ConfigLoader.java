package dev.mnistfcn.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * YAML file + dotted-key overrides → validated {@link ExperimentConfig}.
 *
 * <p>The file is bound first on its own, so that errors in it carry its line numbers; overrides
 * ({@code -Dtraining.epochs=2}, {@code --set training.epochs=2}) are then applied to the YAML tree
 * and the result is bound and validated again.
 */
public final class ConfigLoader {
    /** Top-level keys; a system property whose first dotted segment is one of these is an override. */
    public static final Set<String> SECTIONS = Set.of("model", "training", "data", "output", "checkpoint");
    /** Environment variable that overrides {@code data.dir} (CLI options and -D still win). */
    public static final String DATA_DIR_ENV = "MNIST_FCN_DATA_DIR";

    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ConfigLoader() {
    }

    /** {@code NAME} as a path if it exists, else {@code config/NAME}. */
    public static Path locate(String name) {
        Path direct = Path.of(name);
        if (Files.exists(direct)) return direct;
        Path inConfig = Path.of("config").resolve(name);
        if (Files.exists(inConfig)) return inConfig;
        String available;
        try (var files = Files.list(Path.of("config"))) {
            available = files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
                    .sorted().collect(Collectors.joining(", "));
        } catch (IOException e) {
            available = "(no config/ folder here)";
        }
        throw new ConfigException("Config file '" + name + "' not found: looked for " + direct.toAbsolutePath()
                + " and " + inConfig.toAbsolutePath() + ". Give a path to a YAML file, or the name of one in config/: "
                + available + ".");
    }

    /** Overrides from system properties: {@code name}, {@code seed} and dotted keys under the sections. */
    public static Map<String, String> overridesFromSystemProperties() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : new TreeSet<>(System.getProperties().stringPropertyNames())) {
            int dot = key.indexOf('.');
            String head = dot < 0 ? key : key.substring(0, dot);
            if ((dot > 0 && SECTIONS.contains(head)) || key.equals("seed") || key.equals("name")) {
                out.put(key, System.getProperty(key));
            }
        }
        return out;
    }

    public static ExperimentConfig load(Path file, Map<String, String> overrides) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("Config file " + file + " does not exist.");
        } catch (IOException e) {
            throw new ConfigException("Config file " + file + " cannot be read: " + e.getMessage());
        }
        JsonNode tree;
        try {
            tree = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid YAML" + at(e.getLocation()) + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse("") + ". Fix the syntax (indentation, "
                    + "a ':' after each key, matching quotes and brackets).");
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            tree = JsonNodeFactory.instance.objectNode();
        }
        if (!tree.isObject()) {
            throw new ConfigException(file + ": the top level must be a mapping of keys (name, seed, model, "
                    + "training, data, output, checkpoint), not a " + tree.getNodeType().toString().toLowerCase() + ".");
        }
        // Pass 1: the file as written, for errors with line numbers.
        ExperimentConfig config = bind(text, file.toString(), true);
        ObjectNode merged = (ObjectNode) tree;
        if (!merged.has("name")) {
            merged.put("name", baseName(file));
        }
        String envDir = System.getenv(DATA_DIR_ENV);
        Map<String, String> all = new LinkedHashMap<>();
        if (envDir != null && !envDir.isBlank() && !overrides.containsKey("data.dir")) {
            all.put("data.dir", envDir);
        }
        all.putAll(overrides);
        for (var entry : all.entrySet()) {
            apply(file, merged, entry.getKey(), entry.getValue());
        }
        // Pass 2: with name and overrides applied.
        String where = file + (all.isEmpty() ? "" : " with overrides " + all);
        try {
            // Line numbers would point into the rewritten tree, not the user's file: leave them out.
            config = bind(YAML.writeValueAsString(merged), where, false);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ConfigValidator.validate(config, where);
        return config;
    }

    /** Parses a config from YAML text without overrides (used when reading a config stored with a model). */
    public static ExperimentConfig parse(String yaml, String where) {
        ExperimentConfig config = bind(yaml, where, true);
        ConfigValidator.validate(config, where);
        return config;
    }

    public static String toYaml(ExperimentConfig config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ExperimentConfig bind(String text, String where, boolean lines) {
        try {
            ExperimentConfig c = YAML.readValue(text, ExperimentConfig.class);
            return c == null ? new ExperimentConfig(null, null, null, null, null, null, null) : c;
        } catch (UnrecognizedPropertyException e) {
            String path = keyPath(e);
            String accepted = e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", "));
            String parent = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "";
            throw new ConfigException(where + ": unknown key '" + path + "'" + line(lines, text, e) + ". Keys accepted "
                    + (parent.isEmpty() ? "at the top level" : "under '" + parent + "'") + ": " + accepted
                    + ". Check the spelling (keys use snake_case).");
        } catch (MismatchedInputException e) {
            JsonNode value = valueAt(text, e);
            String shown = value == null ? "" : value.isValueNode() ? " has value '" + value.asText() + "', which is"
                    : " holds a " + (value.isArray() ? "list" : "section") + ", which is";
            throw new ConfigException(where + ": key '" + keyPath(e) + "'" + line(lines, text, e)
                    + (shown.isEmpty() ? " has the wrong type: it is" : shown) + " not " + typeName(e.getTargetType()) + ".");
        } catch (JsonMappingException e) {
            throw new ConfigException(where + ": key '" + keyPath(e) + "'" + line(lines, text, e) + ": "
                    + firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new ConfigException(where + ": not valid YAML" + (lines ? at(e.getLocation()) : "") + ": "
                    + firstLine(e.getOriginalMessage()));
        }
    }

    /**
     * The line of the key an error is about. Jackson buffers record properties and reports the end of
     * the enclosing mapping, so we look the key up in the YAML token stream instead.
     */
    private static String line(boolean lines, String text, JsonMappingException e) {
        if (!lines) return "";
        String pointer = pointer(e);
        try (JsonParser p = YAML.getFactory().createParser(text)) {
            for (var t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME
                        && p.getParsingContext().pathAsPointer().toString().equals(pointer)) {
                    return at(p.currentLocation());
                }
            }
        } catch (IOException ignored) {
            // fall back to Jackson's own location
        }
        return at(e.getLocation());
    }

    private static JsonNode valueAt(String text, JsonMappingException e) {
        try {
            JsonNode node = YAML.readTree(text).at(pointer(e));
            return node.isMissingNode() ? null : node;
        } catch (JsonProcessingException ex) {
            return null;
        }
    }

    private static String pointer(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            sb.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
        }
        return sb.toString();
    }

    /** Sets a dotted key ({@code training.epochs}, {@code model.hidden.0.units} or {@code model.hidden[0].units}). */
    private static void apply(Path file, ObjectNode root, String key, String value) {
        String[] parts = key.replace("[", ".").replace("]", "").split("\\.");
        JsonNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = child(node, parts[i]);
            if (node instanceof ArrayNode arr && next == null) {
                throw badOverride(file, key, value, "index " + parts[i] + " is outside the list of " + arr.size());
            }
            if (next == null || next.isNull()) {
                if (!(node instanceof ObjectNode obj)) {
                    throw badOverride(file, key, value, "'" + parts[i] + "' is not an index into the list");
                }
                next = obj.putObject(parts[i]);
            }
            node = next;
        }
        JsonNode parsedValue;
        try {
            parsedValue = YAML.readTree(value.isEmpty() ? "''" : value);
        } catch (JsonProcessingException e) {
            throw badOverride(file, key, value, "the value is not valid YAML");
        }
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
            throw badOverride(file, key, value, "'" + String.join(".", java.util.Arrays.copyOf(parts, parts.length - 1))
                    + "' is a single value, not a section");
        }
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

    private static ConfigException badOverride(Path file, String key, String value, String why) {
        return new ConfigException("Override " + key + "=" + value + " for " + file + " cannot be applied: " + why
                + ". Overrides are dotted key paths into the YAML, e.g. -Dtraining.epochs=2 or "
                + "--set model.hidden.0.units=128.");
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

    private static String at(JsonLocation loc) {
        return loc == null || loc.getLineNr() <= 0 ? "" : " (line " + loc.getLineNr() + ")";
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    private static String typeName(Class<?> type) {
        if (type == null) return "a value of another type";
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "a whole number";
        if (type == Double.class || type == double.class) return "a number";
        if (type == String.class) return "a text value";
        if (java.util.List.class.isAssignableFrom(type)) return "a list";
        if (type.isRecord()) return "a mapping of keys (a section)";
        return "a " + type.getSimpleName();
    }

    static String baseName(Path file) {
        String f = file.getFileName().toString();
        int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }
}
