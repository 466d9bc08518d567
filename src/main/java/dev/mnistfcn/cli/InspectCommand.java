package dev.mnistfcn.cli;

import dev.mnistfcn.UserError;
import dev.mnistfcn.interop.ModelSource;
import dev.mnistfcn.network.LayerSizes;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.ModelMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a model zip's layers, parameter count, metadata and whether it can resume training.")
public final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "ZIP", description = "Model zip (default: -Dmodel).")
    Path model;

    @Parameters(paramLabel = "ZIP", arity = "0..1", description = "The same as --model: inspect ZIP.")
    Path modelArgument;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path file = CommandDefaults.requireModel(model, modelArgument);
        if (ModelSource.isOnnx(file)) {
            throw new UserError(file + " is an ONNX file; inspect reads model zips (their updater state and metadata). "
                    + "evaluate, predict and serve read .onnx files, and 'export " + file + " --format dl4j' makes a zip "
                    + "of it.");
        }
        ModelFiles.Loaded loaded = ModelFiles.load(file, true);
        var net = loaded.network();
        out.printf(Locale.ROOT, "%s (%,d bytes)%n", TerminalText.shown(file.toString()), loaded.fileBytes()); // a stranger's name
        out.print(TerminalText.shownLines(net.summary())); // layer names come from the zip
        out.printf(Locale.ROOT, "architecture: %s%nparameters: %,d%nupdater state: %s%n",
                LayerSizes.of(net.getLayerWiseConfigurations()), net.numParams(),
                loaded.hasUpdaterState() ? "present (" + updater(net) + "; training can resume exactly)"
                        : "absent (inference only; resuming would restart the optimizer)");
        if (loaded.metadata().isEmpty()) {
            out.println("metadata: none (no training record: written elsewhere, or converted from an .onnx by export)");
        } else {
            ModelMetadata m = loaded.metadata().get();
            out.printf(Locale.ROOT, "metadata: epoch %d, iteration %,d, validation loss %s, validation accuracy %s%s%n",
                    m.epoch(), m.iteration(), m.validationLoss() == null ? "?" : String.format(Locale.ROOT, "%.4f",
                            m.validationLoss()), percent(m.validationAccuracy()),
                    m.testAccuracy() == null ? "" : ", test accuracy " + percent(m.testAccuracy()));
            out.println("provenance:");
            for (String line : m.provenance().lines()) out.println("  " + TerminalText.shown(line));
        }
        out.println(TerminalText.shown(notADigitLine(loaded, file)));
        out.flush();
        return 0;
    }

    /** The first layer's updater that has one: a frozen layer has none (its getUpdaterByParam is null). */
    private static String updater(org.deeplearning4j.nn.multilayer.MultiLayerNetwork net) {
        for (var c : net.getLayerWiseConfigurations().getConfs()) {
            var u = c.getLayer().getUpdaterByParam("W");
            if (u != null) return u.getClass().getSimpleName();
        }
        return "no layer trains: all frozen";
    }

    private static String notADigitLine(ModelFiles.Loaded loaded, Path file) {
        if (loaded.damagedCheck().isPresent()) return "not-a-digit check: damaged. " + loaded.damagedCheck().get();
        return loaded.notADigit().map(c -> String.format(Locale.ROOT, "not-a-digit check: on, threshold %.4f (calibrated "
                        + "%s: refuses %.1f%% of %,d validation digits and %.1f%% of %,d made negatives)", c.threshold(),
                c.calibration().savedAt(), 100 * c.calibration().validationDigitsRefused(),
                c.calibration().validationDigits(), 100 * c.calibration().madeNegativesRefused(),
                c.calibration().madeNegatives()))
                .orElse("not-a-digit check: none (mnist-fcn calibrate " + file + " gives it one)");
    }

    private static String percent(Double fraction) {
        return fraction == null ? "?" : String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
    }
}
