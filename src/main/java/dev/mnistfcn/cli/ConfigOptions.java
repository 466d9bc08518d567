package dev.mnistfcn.cli;

import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.Overrides;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The config options {@code train} and {@code walkthrough} share (a picocli mixin): which YAML file, and its overrides. */
final class ConfigOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML config: a path, or a name in config/ "
            + "(default: -Dconfig, -Dwalkthrough for walkthrough, else two-layer.yaml).")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key by its dotted path, e.g. --set training.epochs=2. Repeatable.")
    Map<String, String> set = new LinkedHashMap<>();

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
        return presets.withSystemProperties().with(set);
    }
}
