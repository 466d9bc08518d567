package dev.mnistfcn.cli;

import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.walkthrough.PlainDl4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "walkthrough", mixinStandardHelpOptions = true,
        description = "The same run in plain DL4J (fit, evaluate, ModelSerializer) to read: see walkthrough/PlainDl4j.java.")
public final class WalkthroughCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML config: a path, or a name in config/ (default: -Dwalkthrough or two-layer.yaml).")
    String config = System.getProperty("walkthrough", "two-layer.yaml");

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key by its dotted path, e.g. --set training.epochs=2. Repeatable.")
    Map<String, String> set = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>(ConfigLoader.overridesFromSystemProperties());
        overrides.putAll(set);
        PlainDl4j.run(ConfigLoader.load(ConfigLoader.locate(config), overrides), System.out);
        return 0;
    }
}
