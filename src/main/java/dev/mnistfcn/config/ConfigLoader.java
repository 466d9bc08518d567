package dev.mnistfcn.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 *
 * <p>Values are read as written. In a file YAML's typing holds for number keys, but a text key gets the scalar's
 * own text ({@code name: 1.10} is "1.10", not 1.1). An override is not YAML at all: a text key takes it exactly
 * as given, a number key only a plain decimal number; the key's type comes from the records ({@link KeyTypes}).
 */
public final class ConfigLoader {
    /** Top-level keys; a system property whose first dotted segment is one of these is an override. */
    public static final Set<String> SECTIONS = Set.of("model", "training", "data", "output", "checkpoint");
    /** Environment variable that overrides {@code data.dir} (CLI options and -D still win). */
    public static final String DATA_DIR_ENV = "MNIST_FCN_DATA_DIR";

    private static final ObjectMapper YAML = JsonMapper.builder(YAMLFactory.builder()
                    // on by default in new YAMLFactory() but not in its builder: "- " alone is null, not ""
                    .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .stringQuotingChecker(new QuoteUnlessReadBackAsText())
                    .build())
            .propertyNamingStrategy(KeyTypes.NAMING)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ConfigLoader() {
    }

    /** {@code NAME} as a path if it is a file, else {@code config/NAME}. */
    public static Path locate(String name) {
        if (name.isBlank()) {
            throw new ConfigException("The config name is empty ('" + name + "'). Give a path to a YAML file, or the "
                    + "name of one in config/: " + available() + " (e.g. -Dconfig=two-layer.yaml or --config two-layer.yaml).");
        }
        Path direct = Path.of(name);
        if (Files.isRegularFile(direct)) return direct;
        Path inConfig = Path.of("config").resolve(name);
        if (Files.isRegularFile(inConfig)) return inConfig;
        Path folder = Files.isDirectory(direct) ? direct : Files.isDirectory(inConfig) ? inConfig : null;
        if (folder != null) {
            throw new ConfigException("Config '" + name + "' is a folder (" + folder.toAbsolutePath() + "), not a YAML "
                    + "file. Give a path to a YAML file, or the name of one in config/: " + available() + ".");
        }
        throw new ConfigException("Config file '" + name + "' not found: looked for " + direct.toAbsolutePath()
                + " and " + inConfig.toAbsolutePath() + ". Give a path to a YAML file, or the name of one in config/: "
                + available() + ".");
    }

    private static String available() {
        try (var files = Files.list(Path.of("config"))) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
                    .sorted().collect(Collectors.joining(", "));
        } catch (IOException e) {
            return "(no config/ folder here)";
        }
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
        String text = readText(file);
        Map<String, String> written = new HashMap<>();
        JsonNode tree = readTree(text, file.toString(), written);
        if (tree == null || tree.isNull()) {
            tree = JsonNodeFactory.instance.objectNode(); // an empty file (or only comments): all defaults
        }
        if (!tree.isObject()) {
            throw new ConfigException(file + ": the top level must be a mapping of keys (name, seed, model, "
                    + "training, data, output, checkpoint), not a " + tree.getNodeType().toString().toLowerCase() + ".");
        }
        KeyTypes.keepTextAsWritten(tree, written);
        // Pass 1: the file as written, for errors with line numbers.
        ExperimentConfig config = bind(tree, written, file.toString(), text);
        ObjectNode merged = (ObjectNode) tree;
        if (!merged.has("name")) {
            merged.put("name", baseName(file));
        }
        String envDir = System.getenv(DATA_DIR_ENV);
        Map<String, String> all = new LinkedHashMap<>();
        // The variable names where MNIST lives: another dataset keeps its own folder (Fashion-MNIST: Debian's).
        String dataset = overrides.getOrDefault("data.dataset", merged.at("/data/dataset").asText(DatasetName.MNIST.id()));
        if (envDir != null && !envDir.isBlank() && !overrides.containsKey("data.dir")
                && dataset.equals(DatasetName.MNIST.id())) {
            all.put("data.dir", envDir);
        }
        all.putAll(overrides);
        String where = file + (all.isEmpty() ? "" : " with overrides " + all);
        for (var entry : all.entrySet()) {
            apply(file, where, merged, entry.getKey(), entry.getValue(), written);
        }
        // Pass 2: with name and overrides applied. Line numbers would point into the rewritten tree, not the
        // user's file: leave them out.
        config = bind(merged, written, where, null);
        ConfigValidator.validate(config, where);
        return config;
    }

    /** Parses a config from YAML text without overrides (used when reading a config stored with a model). */
    public static ExperimentConfig parse(String yaml, String where) {
        Map<String, String> written = new HashMap<>();
        JsonNode tree = readTree(yaml, where, written);
        if (tree != null) KeyTypes.keepTextAsWritten(tree, written);
        ExperimentConfig config = bind(tree == null ? JsonNodeFactory.instance.objectNode() : tree, written, where, yaml);
        ConfigValidator.validate(config, where);
        return config;
    }

    /** The file as UTF-8 text; anything else is named as such rather than as a decoder's "Input length = 1". */
    private static String readText(Path file) {
        if (Files.isDirectory(file)) {
            throw new ConfigException("Config " + file + " is a folder, not a YAML file. Give a path to a YAML file, "
                    + "or the name of one in config/: " + available() + ".");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("Config file " + file + " does not exist.");
        } catch (IOException e) {
            throw new ConfigException("Config file " + file + " cannot be read: " + e.getMessage());
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(in).toString();
        } catch (CharacterCodingException e) {
            int at = in.position(); // the decoder stops at the first byte it cannot decode
            int line = 1;
            for (int i = 0; i < at; i++) if (bytes[i] == '\n') line++;
            throw new ConfigException("Config file " + file + " is not UTF-8 text: byte 0x"
                    + String.format(Locale.ROOT, "%02X", bytes[at] & 0xff) + " on line " + line + " is not valid UTF-8 (the file may "
                    + "be in Latin-1/Windows-1252, or not a text file). Save it as UTF-8; plain ASCII is UTF-8 too.");
        }
    }

    /**
     * The YAML tree as Jackson's readTree builds it (YAML's own typing: {@code 012} is octal 10), plus, by JSON
     * pointer, the text of each plain scalar that YAML read as a number or true/false, so that a text key can
     * get what the user wrote. Null for an empty document.
     */
    private static JsonNode readTree(String text, String where, Map<String, String> written) {
        try (JsonParser p = YAML.createParser(text)) {
            if (p.nextToken() == null) return null;
            JsonNode root = node(p, written);
            if (p.nextToken() != null) {
                throw new ConfigException(where + ": holds more than one YAML document" + at(p.currentLocation())
                        + ". Keep one mapping of keys (remove the second '---' and what follows).");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new ConfigException(where + ": not valid YAML" + at(e.getLocation()) + ": "
                    + firstLine(e.getOriginalMessage()) + ". Fix the syntax (indentation, "
                    + "a ':' after each key, matching quotes and brackets).");
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading from a String
        }
    }

    private static JsonNode node(JsonParser p, Map<String, String> written) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                ObjectNode obj = f.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    obj.set(key, node(p, written));
                }
                return obj;
            }
            case START_ARRAY -> {
                ArrayNode arr = f.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) arr.add(node(p, written));
                return arr;
            }
            case VALUE_STRING -> {
                return f.textNode(p.getText());
            }
            case VALUE_NULL -> {
                return f.nullNode();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                written.put(p.getParsingContext().pathAsPointer().toString(), p.getText());
                return f.booleanNode(t == JsonToken.VALUE_TRUE);
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                written.put(p.getParsingContext().pathAsPointer().toString(), p.getText());
                try {
                    return switch (p.getNumberType()) {
                        case INT -> f.numberNode(p.getIntValue());
                        case LONG -> f.numberNode(p.getLongValue());
                        case BIG_INTEGER -> f.numberNode(p.getBigIntegerValue());
                        case BIG_DECIMAL -> f.numberNode(p.getDecimalValue());
                        default -> f.numberNode(p.getDoubleValue());
                    };
                } catch (JsonProcessingException | NumberFormatException e) {
                    // YAML calls it a number but Java cannot read it (.inf, .nan): a number key then names it.
                    return f.textNode(p.getText());
                }
            }
            default -> {
                return f.textNode(p.getText());
            }
        }
    }

    public static String toYaml(ExperimentConfig config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Binds the tree; errors name the key and the value as written.
     *
     * @param text the file's text for line numbers, or null where the tree is no longer the file
     */
    private static ExperimentConfig bind(JsonNode tree, Map<String, String> written, String where, String text) {
        try {
            ExperimentConfig c = YAML.treeToValue(tree, ExperimentConfig.class);
            return c == null ? new ExperimentConfig(null, null, null, null, null, null, null) : c;
        } catch (UnrecognizedPropertyException e) {
            String path = keyPath(e);
            String accepted = e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", "));
            String parent = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "";
            throw new ConfigException(where + ": unknown key '" + path + "'" + line(text, e) + ". Keys accepted "
                    + (parent.isEmpty() ? "at the top level" : "under '" + parent + "'") + ": " + accepted
                    + ". Check the spelling (keys use snake_case).");
        } catch (MismatchedInputException e) {
            JsonNode value = tree.at(pointer(e));
            String shown = value.isMissingNode() ? ""
                    : value.isValueNode() ? " has value '" + written.getOrDefault(pointer(e), value.asText()) + "', which is"
                    : " holds a " + (value.isArray() ? "list" : "section") + ", which is";
            throw new ConfigException(where + ": key '" + keyPath(e) + "'" + line(text, e)
                    + (shown.isEmpty() ? " has the wrong type: it is" : shown) + " not " + typeName(e.getTargetType()) + ".");
        } catch (JsonMappingException e) {
            throw new ConfigException(where + ": key '" + keyPath(e) + "'" + line(text, e) + ": "
                    + firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new ConfigException(where + ": " + firstLine(e.getOriginalMessage()));
        }
    }

    /**
     * The line of the key an error is about. Jackson buffers record properties and reports the end of
     * the enclosing mapping, so we look the key up in the YAML token stream instead.
     */
    private static String line(String text, JsonMappingException e) {
        if (text == null) return "";
        String pointer = pointer(e);
        JsonLocation item = null; // a list item has no key: the line of its value
        try (JsonParser p = YAML.createParser(text)) {
            for (var t = p.nextToken(); t != null; t = p.nextToken()) {
                if (p.getParsingContext().pathAsPointer().toString().equals(pointer)) {
                    if (t == JsonToken.FIELD_NAME) return at(p.currentLocation());
                    if (item == null) item = p.currentLocation();
                }
            }
        } catch (IOException ignored) {
            // no line then
        }
        return item != null ? at(item) : at(e.getLocation());
    }

    private static String pointer(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            sb.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
        }
        return sb.toString();
    }

    /** Sets a dotted key ({@code training.epochs}, {@code model.hidden.0.units} or {@code model.hidden[0].units}). */
    private static void apply(Path file, String where, ObjectNode root, String key, String value,
                              Map<String, String> written) {
        String[] parts = key.replace("[", ".").replace("]", "").split("\\.");
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
        JsonNode parsedValue = overrideValue(where, key, value, KeyTypes.at(List.of(parts)));
        if (parsedValue == null) {
            // A section or a list (or a key that does not exist, which binding then names): YAML as written,
            // so that -Dmodel.hidden=[] still works and a scalar there is a type error.
            try {
                parsedValue = YAML.readTree(value.isEmpty() ? "''" : value);
            } catch (JsonProcessingException e) {
                throw badOverride(file, key, value, "the value is not valid YAML");
            }
        }
        // What the file had written under this key no longer applies.
        String pointer = "/" + String.join("/", parts);
        written.keySet().removeIf(k -> k.equals(pointer) || k.startsWith(pointer + "/"));
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

    private static final String WHOLE = "-?[0-9]+";
    private static final String DECIMAL = "-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?";

    /**
     * An override's value as the key's type reads it: a text key takes the value exactly as written (no YAML:
     * {@code 1.10}, {@code off}, {@code ~} and {@code run #1} stay text), a number key only a plain decimal
     * number ({@code 012} is twelve, not YAML's octal ten). Null for sections, lists and unknown keys.
     */
    private static JsonNode overrideValue(String where, String key, String value, Type type) {
        Class<?> c = type == null ? null : KeyTypes.raw(type);
        if (c == null) return TextNode.valueOf(value);
        if (c == String.class) return TextNode.valueOf(value);
        if (c == Integer.class || c == Long.class) {
            long min = c == Integer.class ? Integer.MIN_VALUE : Long.MIN_VALUE;
            long max = c == Integer.class ? Integer.MAX_VALUE : Long.MAX_VALUE;
            if (!value.matches(WHOLE)) {
                throw badValue(where, key, value, "a whole number written with the digits 0-9 and an optional "
                        + "leading '-', e.g. 20");
            }
            BigInteger n = new BigInteger(value);
            if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
                throw badValue(where, key, value, String.format(Locale.ROOT, "a whole number from %,d to %,d", min, max));
            }
            return c == Integer.class ? JsonNodeFactory.instance.numberNode(n.intValue())
                    : JsonNodeFactory.instance.numberNode(n.longValue());
        }
        if (c == Double.class) {
            String accepted = "a decimal number such as 0.01, 5 or 1e-4";
            if (!value.matches(DECIMAL)) throw badValue(where, key, value, accepted);
            double d = Double.parseDouble(value);
            if (Double.isInfinite(d)) throw badValue(where, key, value, accepted);
            return JsonNodeFactory.instance.numberNode(d);
        }
        return null;
    }

    private static ConfigException badValue(String where, String key, String value, String accepted) {
        return new ConfigException(where + ": key '" + key + "' has value '" + value + "', which is not accepted. "
                + "Expected " + accepted + ".");
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

    /**
     * Quotes a text value wherever a YAML reader would read the plain scalar back as something else
     * ({@code 1.10}, {@code 0x10}, {@code 1e3}, {@code off}, {@code ~}), so config.resolved.yaml says what ran.
     */
    private static final class QuoteUnlessReadBackAsText extends StringQuotingChecker.Default {
        private static final YAMLFactory PLAIN = new YAMLFactory();

        @Override
        public boolean needToQuoteValue(String value) {
            if (super.needToQuoteValue(value)) return true;
            try (JsonParser p = PLAIN.createParser(value)) {
                return p.nextToken() != JsonToken.VALUE_STRING || !value.equals(p.getText()) || p.nextToken() != null;
            } catch (IOException e) {
                return true;
            }
        }
    }
}
