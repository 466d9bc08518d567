package dev.mnistfcn.cli;

import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.Overrides;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The config options {@code train} and {@code walkthrough} share (a picocli mixin): which YAML file, and its overrides. */
final class ConfigOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML config: a path, or a name in config/ "
            + "(default: -Dconfig, -Dwalkthrough for walkthrough, else two-layer.yaml).")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key by its dotted path, e.g. --set training.epochs=2. Repeatable.")
    List<String> set = new ArrayList<>();

    ConfigOptions() {
        this("config");
    }

    /** @param property the system property that names the config under {@code mvn exec:java} */
    ConfigOptions(String property) {
        // -Dwalkthrough alone (Maven makes it "true") names no config: then -Dconfig does, as for train
        String named = System.getProperty(property);
        boolean alone = named != null && (named.isBlank() || named.equals("true")) && !property.equals("config");
        config = CliProperties.path(alone ? "config" : property, "two-layer.yaml");
    }

    /** The YAML file {@code --config} names; one that is not there says which are. */
    Path file() {
        return ConfigLoader.locate(config);
    }

    /**
     * The command's presets, then {@code -D} overrides, then {@code --set}, each winning over the ones before; the
     * command adds its own options ({@code --data-dir}) after these.
     */
    Overrides overrides(Overrides presets) {
        return presets.withSystemProperties().with(keyValues(set));
    }

    /**
     * {@code --set} values as key → value, the last of a key winning. Not picocli's own Map option: for a value
     * without '=' it said "Value for option option '--set' (KEY=VALUE) should be in KEY=VALUE format".
     */
    static Map<String, String> keyValues(List<String> given) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String kv : given) {
            int eq = kv.indexOf('=');
            if (eq < 0) {
                throw new UserError("--set " + kv + ": an override is KEY=VALUE, a dotted key path into the config and "
                        + "its value, e.g. --set training.epochs=2 or --set model.hidden.0.units=128.");
            }
            values.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return values;
    }
}
