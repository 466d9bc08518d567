package dev.mnistfcn.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;

import java.io.IOException;

import static dev.mnistfcn.config.YamlTree.YAML;

/**
 * Where in a config or sweep file an error is. The line of the key a Jackson binding error is about: Jackson buffers
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

    /** " (line N)" for a location in the text, or nothing where there is none. */
    public static String at(JsonLocation loc) {
        return loc == null || loc.getLineNr() <= 0 ? "" : " (line " + loc.getLineNr() + ")";
    }

    /** A file that holds a second YAML document, whose first token is {@code at}: one mapping of keys is read. */
    public static ConfigException secondDocument(String where, JsonLocation at) {
        return new ConfigException(where + ": holds more than one YAML document" + at(at) + ". Keep one mapping of keys "
                + "(remove the second '---' and what follows).");
    }
}
