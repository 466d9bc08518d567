package dev.mnistfcn.cli;

import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.ModelMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a model zip's layers, parameter count, metadata and whether it can resume training.")
public final class InspectCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, paramLabel = "ZIP", description = "Model zip (default: -Dmodel).")
    Path model = CommandDefaults.modelFromProperty();

    @Override
    public Integer call() {
        ModelFiles.Loaded loaded = ModelFiles.load(CommandDefaults.requireModel(model), true);
        var net = loaded.network();
        System.out.printf("%s (%,d bytes)%n", model, loaded.fileBytes());
        System.out.print(net.summary());
        System.out.printf(Locale.ROOT, "architecture: %s%nparameters: %,d%nupdater state: %s%n",
                ModelFiles.describe(net.getLayerWiseConfigurations()), net.numParams(),
                loaded.hasUpdaterState() ? "present (" + net.getLayerWiseConfigurations().getConf(0).getLayer()
                        .getUpdaterByParam("W").getClass().getSimpleName() + "; training can resume exactly)"
                        : "absent (inference only; resuming would restart the optimizer)");
        if (loaded.metadata().isEmpty()) {
            System.out.println("metadata: none (not written by mnist-fcn)");
        } else {
            ModelMetadata m = loaded.metadata().get();
            System.out.printf(Locale.ROOT, "metadata: run '%s' on %s, epoch %d, iteration %,d, validation loss %.4f, "
                            + "validation accuracy %.2f%%%s, DL4J %s, saved %s%n", m.name(), Dataset.of(m.dataset()).title(),
                    m.epoch(), m.iteration(),
                    m.validationLoss(), 100 * m.validationAccuracy(),
                    m.testAccuracy() == null ? "" : String.format(Locale.ROOT, ", test accuracy %.2f%%", 100 * m.testAccuracy()),
                    m.dl4jVersion(), m.savedAt());
        }
        return 0;
    }
}
