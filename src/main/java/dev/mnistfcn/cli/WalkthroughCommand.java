package dev.mnistfcn.cli;

import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.Overrides;
import dev.mnistfcn.walkthrough.PlainDl4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "walkthrough", mixinStandardHelpOptions = true,
        description = "The same run in plain DL4J (fit, evaluate, ModelSerializer) to read: see walkthrough/PlainDl4j.java.")
public final class WalkthroughCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options = new ConfigOptions("walkthrough");

    @Override
    public Integer call() throws Exception {
        PlainDl4j.run(ConfigLoader.load(options.file(), options.overrides(Overrides.none())), System.out);
        return 0;
    }
}
