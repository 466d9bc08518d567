package dev.mnistfcn.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.mnistfcn.Json;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.mnistfcn.config.YamlTree.YAML;

/**
 * Where in a config or sweep file an error is, and the key it names. The line of the key a Jackson binding error is about: Jackson buffers
 * record properties and reports the end of the enclosing mapping (past the file's last line for a top-level key), so
 * the key is looked up in the YAML token stream instead.
 */
public final class YamlLines {
    private YamlLines() {
    }

    /**
     * " (line N)" for the key a binding error is about, or nothing where {@code text} is null or has no such key.
     */
    public static String ofKey(String text, JsonMappingException e) {
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

    static String pointer(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            sb.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
        }
        return sb.toString();
    }

    /**
     * " (line N): what is wrong" for a YAML syntax error: SnakeYAML's problem and its line. Jackson's message begins with
     * the context ("while scanning for the next token") and its location is the context's: a tab on line 3 was
     * "(line 2): while scanning for the next token", the tab unnamed (a review).
     */
    public static String syntaxError(JsonProcessingException e) {
        if (!(e.getCause() instanceof MarkedYAMLException m) || m.getProblem() == null) {
            return at(e.getLocation()) + ": " + Json.problem(e);
        }
        String problem = m.getProblem().replace("'\\t(TAB)'", "a tab")
                .replace(". (Do not use \\t(TAB) for indentation)", " (indent with spaces, not tabs)")
                .replaceAll("\\s*\\(Do not use .* for indentation\\)", "").replaceAll("[.\\s]+$", "");
        String line = m.getProblemMark() == null ? "" : " (line " + (m.getProblemMark().getLine() + 1) + ")";
        return line + ": " + (m.getContext() == null ? "" : m.getContext() + ", ") + problem;
    }

    /** " (line N)" for a location in the text, or nothing where there is none. */
    public static String at(JsonLocation loc) {
        return loc == null || loc.getLineNr() <= 0 ? "" : " (line " + loc.getLineNr() + ")";
    }

    /** A file that holds a second YAML document, whose first token is {@code at}: one mapping of keys is read. */
    public static ConfigException secondDocument(String where, JsonLocation at) {
        return new ConfigException(where + ": holds more than one YAML document" + at(at) + ". Keep one mapping of keys "
                + "(remove the second '---' and what follows).");
    }

    /**
     * An alias ({@code *name}) where {@code p} stands: Jackson hands it on as the text "name", so {@code dir: *n} set
     * the folder "n" and an alias of no anchor passed unnoticed. Configs and sweep files are short: write values out.
     */
    public static void refuseAlias(String where, JsonParser p) throws IOException {
        if (p instanceof YAMLParser y && y.isCurrentAlias()) {
            throw new ConfigException(where + ": key '" + p.getParsingContext().pathAsPointer().toString().substring(1)
                    .replace('/', '.') + "'" + at(p.currentLocation()) + " is the alias *" + p.getText() + ", and "
                    + "anchors and aliases are not read here. Write the value out.");
        }
    }

    /** A key no record of the file has: its path, its line and the keys accepted beside it. */
    public static ConfigException unknownKey(String where, String text, UnrecognizedPropertyException e) {
        String path = keyPath(e);
        String accepted = e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
        String parent = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "";
        return new ConfigException(where + ": unknown key '" + path + "'" + ofKey(text, e) + ". Keys accepted "
                + (parent.isEmpty() ? "at the top level" : "under '" + parent + "'") + ": " + accepted
                + ". Check the spelling (keys use snake_case).");
    }

    /** "key 'PATH' (line N)": how an error names the key a binding error is about, and where it is in {@code text}. */
    public static String key(String text, JsonMappingException e) {
        return "key '" + keyPath(e) + "'" + ofKey(text, e);
    }

    /** The dotted path of the key a binding error is about ({@code model.hidden[0].units}). */
    public static String keyPath(JsonMappingException e) {
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

    /** What a key bound to {@code type} takes, in the words of the error messages. */
    public static String typeName(Class<?> type) {
        if (type == null) return "a value of another type";
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "a whole number";
        if (type == Double.class || type == double.class) return "a number";
        if (type == String.class) return "a text value";
        if (List.class.isAssignableFrom(type)) return "a list";
        if (Map.class.isAssignableFrom(type)) return "a mapping of keys";
        if (type.isRecord()) return "a mapping of keys (a section)";
        return "a " + type.getSimpleName();
    }
}
