package dev.mnistfcn.cli;

import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** The tutorial's frozen graph in DL4J terms: weights without optimizer state, plus the network definition. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write an inference-only zip (no updater state) and the network definition as JSON.")
public final class ExportCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, paramLabel = "ZIP", description = "Model zip (default: -Dmodel).")
    Path model = CommandDefaults.modelFromProperty();

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder (default: next to the model).")
    Path outDir;

    @Override
    public Integer call() throws IOException {
        ModelFiles.Loaded loaded = ModelFiles.load(CommandDefaults.requireModel(model), false);
        Path dir = outDir != null ? outDir : model.toAbsolutePath().getParent();
        String base = model.getFileName().toString().replaceFirst("\\.zip$", "");
        Path zip = dir.resolve(base + "-inference.zip");
        Path json = dir.resolve(base + "-network.json");
        ModelFiles.save(loaded.network(), zip, false, loaded.metadata().orElse(null));
        AtomicFiles.writeString(json, loaded.network().getLayerWiseConfigurations().toJson());
        System.out.printf("Wrote %s (%,d bytes; the input was %,d) and %s.%n", zip, Files.size(zip), loaded.fileBytes(), json);
        System.out.println("The inference zip has no updater state: it predicts and evaluates, but training cannot resume "
                + "from it exactly (the optimizer would restart). The JSON is the MultiLayerConfiguration, readable with "
                + "MultiLayerConfiguration.fromJson.");
        return 0;
    }
}
