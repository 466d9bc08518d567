package dev.mnistfcn.cli;

import dev.mnistfcn.Folders;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.DataSpec;
import dev.mnistfcn.config.Overrides;
import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.interop.ModelSource;
import dev.mnistfcn.notadigit.Calibration;
import dev.mnistfcn.storage.AtomicFiles;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.NotADigitCheck;
import dev.mnistfcn.storage.NotADigitEntry;
import dev.mnistfcn.storage.RunFolder;
import dev.mnistfcn.storage.RunLock;
import dev.mnistfcn.storage.SweepProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Give a model zip its not-a-digit check (docs/not-a-digit.md): a detector trained on MNIST's "
                + "training digits (also redrawn in other hands and pens) against made negatives and Fashion-MNIST items, its threshold set where it refuses "
                + "2%% of the validation digits; written into "
                + "the zip as " + NotADigitCheck.ENTRY + ". predict and serve then answer \"not a digit\" for "
                + "pictures that hold none. About 2 minutes on 2 cores. Also: mvn -q exec:java -Dexec.args='calibrate ZIP'.")
public final class CalibrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ZIP", arity = "0..1", description = "Model zip (default: -Dmodel, else "
            + "models/two-layer/model.zip).")
    Path modelArgument;

    @Option(names = {"-m", "--model"}, paramLabel = "ZIP", description = "The same as the ZIP argument.")
    Path model;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "MNIST folder (default $" + Overrides.DATA_DIR_ENV
            + " where set, else " + DataSpec.DEFAULT_DIR + ").")
    Path dataDir = CommandDefaults.fromEnvironment();

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the made negatives and the detector (default 1).")
    long seed = 1;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path zip = CommandDefaults.modelOrDefault(CommandDefaults.model(model, modelArgument));
        if (ModelSource.isOnnx(zip) && Files.exists(zip)) { // a missing one: the load's "not found" says so
            throw new UserError(zip + " is an ONNX file; calibrate writes into mnist-fcn's model zips only.");
        }
        // a sound model zip, before minutes of work; a damaged check is what calibrate replaces
        ModelFiles.Loaded loaded = ModelFiles.load(zip, false);
        Optional<String> other = loaded.otherDataset();
        if (other.isPresent()) {
            throw new UserError("Cannot calibrate " + zip + ": it was trained on " + Dataset.title(other.get())
                    + ", and the not-a-digit check is used only by predict "
                    + "and serve, which refuse such a model (they read pictures as MNIST's digits were made). Nothing was "
                    + "done.");
        }
        boolean damaged = loaded.damagedCheck().isPresent();
        Path real = replaceable(zip);
        String shown = TerminalText.shown(zip.toString()) // a stranger's file name: no escapes reach the terminal
                + (!Files.isSymbolicLink(zip) ? "" : " (" + TerminalText.shown(real.toString()) + ", which it links to)");
        Path folder = real.getParent();
        // A training of the zip's run replaces model.zip and moves checkpoints aside: refused at once while one runs,
        // and the check goes under the run's lock into the very file it was worked out for (a fresh start meanwhile
        // lost minutes of work to "cannot write", or was given the old network's check: a review).
        Optional<Path> run = RunFolder.enclosingRun(folder).filter(r -> !SweepProgress.isSweep(r));
        String elsewhere = "calibrate a copy of the zip outside the run's folder";
        run.ifPresent(r -> RunLock.acquire(r, elsewhere).close());
        Optional<Object> calibrated = AtomicFiles.version(real);
        MnistSplits mnist = MnistSplits.load(new DataSpec(Dataset.MNIST.id(), dataDir.toString(), 5_000, 0), dataDir);
        Optional<org.nd4j.linalg.dataset.DataSet> fashion;
        try {
            Path dir = Path.of(Dataset.FASHION_MNIST.defaultDir());
            fashion = Optional.of(MnistSplits.load(new DataSpec(Dataset.FASHION_MNIST.id(), dir.toString(), 0, 0), dir).train());
        } catch (UserError e) {
            out.println("Fashion-MNIST not found (" + e.getMessage().lines().findFirst().orElse("")
                    + "): the made negatives are used alone.");
            fashion = Optional.empty();
        }
        out.println("Calibrating the not-a-digit check of " + shown + (damaged ? " (replacing its damaged one)" : "") + " …");
        Calibration.Result r = Calibration.fit(mnist.train(), mnist.validation(), fashion,
                Calibration.Sizes.FULL, seed);
        try (RunLock lock = run.map(dir -> RunLock.acquire(dir, elsewhere)).orElse(null)) {
            if (!calibrated.equals(AtomicFiles.version(real))) { // the check would fit it, but not unasked, nor unsaid
                throw new UserError("Cannot write the not-a-digit check into " + shown + ": the zip was moved or "
                        + "replaced while it was being calibrated (a training of its run?), and the check goes only into "
                        + "the file calibrate was started on. Nothing was written; calibrate the zip there now again.");
            }
            NotADigitEntry.write(real, r.check());
        } catch (IOException e) {
            throw Folders.cannotWrite("the not-a-digit check into " + real.getFileName(), folder, e);
        }
        out.printf(Locale.ROOT, "Written into %s: refuses %.1f%% of %,d validation digits and %.1f%% of %,d made "
                        + "negatives it never trained on (threshold %.4f).%n", shown, 100 * r.validationDigitsRefused(),
                r.check().calibration().validationDigits(), 100 * r.madeNegativesRefused(),
                r.check().calibration().madeNegatives(), r.check().threshold());
        out.flush();
        return 0;
    }

    /**
     * The file the check goes into, which is replaced whole: the one {@code zip} links to, if it is a link (replaced
     * under the link's name, the link was gone and its zip unchanged); refused, before minutes of work, where it or its
     * folder cannot be written (a read-only folder failed only at the end, with a stack trace).
     */
    static Path replaceable(Path zip) throws IOException {
        Path real = zip.toRealPath();
        if (Files.getFileStore(real).isReadOnly()) {
            throw new UserError("Cannot calibrate " + zip + ": it is on a read-only file system (" + Files.getFileStore(
                    real) + "), and the check goes into the zip. Calibrate a copy on a writable one. Nothing was done.");
        }
        if (!Files.isWritable(real)) {
            throw new UserError("Cannot calibrate " + zip + ": the zip is read-only, and the check goes into it (replaced "
                    + "whole, keeping its permissions). Make it writable, or calibrate a copy. Nothing was done.");
        }
        Path folder = real.getParent();
        if (!Files.isWritable(folder)) {
            throw new UserError("Cannot calibrate " + zip + ": its folder " + folder + " cannot be written, and the check "
                    + "goes into the zip (replaced whole). Copy the zip to a folder you can write, or fix the folder's "
                    + "permissions. Nothing was done.");
        }
        // the new zip is written beside the old one: a full disk failed only after minutes of work (a review)
        long need = Files.size(real) + NotADigitEntry.MAX_BYTES, free = Files.getFileStore(folder).getUsableSpace();
        if (free < need) {
            throw new UserError(String.format(java.util.Locale.ROOT, "Cannot calibrate %s: its folder %s has %,d bytes "
                    + "free, and the zip with its check is written beside it before it replaces it (%,d bytes). Free "
                    + "some space first. Nothing was done.", zip, folder, free, need));
        }
        return real;
    }
}
