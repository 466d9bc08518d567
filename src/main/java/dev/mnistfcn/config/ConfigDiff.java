package dev.mnistfcn.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The keys in which two configs differ, by their dotted paths, as the YAML names them. */
public final class ConfigDiff {
    private ConfigDiff() {
    }

    /** One difference: the key, its value in {@code a} and in {@code b} ("(none)" where absent). */
    public record Difference(String key, String a, String b) {
    }

    public static List<Difference> between(ExperimentConfig a, ExperimentConfig b) {
        List<Difference> out = new ArrayList<>();
        diff("", tree(a), tree(b), out);
        return out;
    }

    private static JsonNode tree(ExperimentConfig c) {
        try {
            return YamlTree.YAML.readTree(YamlTree.write(c)); // the YAML config.resolved.yaml holds, read back
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void diff(String path, JsonNode a, JsonNode b, List<Difference> out) {
        if (a.isObject() && b.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) names.add(it.next());
            for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) names.add(it.next());
            for (String n : names) {
                diff(path.isEmpty() ? n : path + "." + n, a.path(n), b.path(n), out);
            }
        } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) diff(path + "[" + i + "]", a.get(i), b.get(i), out);
        } else if (!a.equals(b)) {
            out.add(new Difference(path, text(a), text(b)));
        }
    }

    private static String text(JsonNode n) {
        if (n instanceof MissingNode || n.isNull()) return "(none)";
        return n.isValueNode() ? n.asText() : n.toString();
    }
}
