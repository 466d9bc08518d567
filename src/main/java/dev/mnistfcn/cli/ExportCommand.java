package dev.mnistfcn.cli;

import dev.mnistfcn.Folders;
import dev.mnistfcn.UserError;
import dev.mnistfcn.interop.ModelExport;
import dev.mnistfcn.interop.ModelSource;
import dev.mnistfcn.interop.OnnxExport;
import dev.mnistfcn.interop.TfExport;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.AtomicFiles;
import dev.mnistfcn.storage.CheckpointStore;
import dev.mnistfcn.storage.RunFolder;
import dev.mnistfcn.storage.RunLock;
import dev.mnistfcn.storage.SweepProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** The tutorial's frozen graph: as TensorFlow writes it, as ONNX, and in DL4J terms (weights without optimizer state). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the model for other runtimes: onnx (ONNX Runtime and others), tf (a TensorFlow frozen "
                + "graph, x → pred) and/or dl4j (an inference-only zip and the network definition as JSON).")
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    static final List<String> FORMATS = List.of("onnx", "tf", "dl4j");

    @Option(names = {"-m", "--model"}, paramLabel = "ZIP", description = "Model zip or .onnx file (default: -Dmodel).")
    Path model;

    @Parameters(paramLabel = "ZIP", arity = "0..1", description = "The same as --model: export ZIP (--format dl4j by default).")
    Path modelArgument;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder (default: next to the model).")
    Path outDir;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", split = ",", description = "onnx, tf or dl4j "
            + "(default); several with commas or repeated: --format onnx,tf.")
    List<String> formats = List.of("dl4j");

    @Mixin
    InputScaleOption inputScale;

    @Override
    public Integer call() throws IOException {
        Set<String> wanted = new LinkedHashSet<>();
        for (String f : formats) {
            if (!FORMATS.contains(f.trim())) {
                throw new UserError("--format " + f + " is not a format export writes. Accepted: onnx, tf, dl4j "
                        + "(several at once with commas, e.g. --format onnx,tf).");
            }
            wanted.add(f.trim());
        }
        Folders.refuseNonFolder(outDir, "--out");
        Path file = CommandDefaults.requireModel(model, modelArgument);
        // Beside the model, named as the user named it (models/x/model.onnx, not the absolute path).
        Path dir = outDir != null ? outDir : file.getParent() != null ? file.getParent() : Path.of(".");
        Optional<Path> owner = RunFolder.enclosingRun(dir); // the run whose folder, or a moved part of it, dir is
        boolean itsFolder = owner.filter(Folders.real(dir)::equals).isPresent();
        if (outDir != null) {
            refuseAnotherRunsFolder(outDir, file, owner, itsFolder);
        } else if (owner.isPresent() && !itsFolder) {
            // A checkpoint's export went into checkpoints/, which the run's next fresh start moves aside and the one
            // after deletes, the user's export with it.
            throw new UserError("Beside " + file + " is " + RunFolder.insideItsMovedPart(owner.get()) + ": the export "
                    + "would go with it. Give --out DIR, a folder outside " + CheckpointStore.FOLDER + "/ and "
                    + RunFolder.PREVIOUS + "/ (e.g. --out " + owner.get().resolve("exports") + ").");
        }
        // Into a run's own folder under its lock: an export read the old model.zip while a fresh start of the run moved
        // it aside, then wrote the old network's model.onnx beside the new model.zip (a review).
        boolean runsOwnFolder = itsFolder && !SweepProgress.isSweep(owner.get());
        try (RunLock lock = runsOwnFolder ? RunLock.acquire(owner.get()) : null) {
            return export(wanted, file, dir);
        }
    }

    private int export(Set<String> wanted, Path file, Path dir) {
        ModelFiles.Loaded loaded = ModelSource.load(file, inputScale.value());
        String base = file.getFileName().toString().replaceFirst("(?i)\\.(zip|onnx)$", "");
        try {
            write(wanted, loaded, file, dir, base);
        } catch (IOException e) {
            out().flush(); // the "Wrote" lines of the files done before it: a failure half-way named none of them
            throw new UserError("Cannot write the exported model to " + dir + " (" + UserError.reason(e) + "); only the "
                    + "files listed above as written were, each complete. Check that the folder can be written and has "
                    + "free space, or give another --out.", e);
        }
        out().flush();
        return 0;
    }

    /**
     * An export into another run's folder put another network under that run's own export names, which its next fresh
     * start moved aside as its own and the one after deleted ({@link RunFolder#enclosingRun}: also its checkpoints/ and
     * .previous/). Beside the run's own model.zip: fine.
     */
    private static void refuseAnotherRunsFolder(Path outDir, Path model, Optional<Path> owner, boolean itsFolder) {
        owner.ifPresent(run -> {
            if (itsFolder && run.equals(Folders.real(model).getParent())) return;
            throw new UserError("--out " + outDir + " is " + (itsFolder ? "the folder of the run "
                    + "or sweep " + run + ", and " + model + " is not its model: the export would stand among that "
                    + "run's files as its own." : RunFolder.insideItsMovedPart(run) + ".") + " Give another --out, or "
                    + "leave it out to write beside the model.");
        });
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private void write(Set<String> wanted, ModelFiles.Loaded loaded, Path file, Path dir, String base) throws IOException {
        Path onnx = dir.resolve(base + ".onnx");
        if (wanted.contains("onnx") && Files.exists(onnx) && Files.isSameFile(onnx, file)) { // links too
            throw new UserError("export --format onnx would write " + file + " over itself, the model it reads. Give "
                    + "another folder with --out DIR.");
        }
        // A DL4J zip records its dataset in mnist-fcn's metadata, which one converted from an .onnx has none of: a
        // Fashion-MNIST .onnx came back as a zip that predict answered as digits.
        Optional<String> other = loaded.otherDataset();
        if (wanted.contains("dl4j") && loaded.metadata().isEmpty() && other.isPresent()) {
            throw new UserError("export --format dl4j of " + file + ": its metadata_props say it was trained on "
                    + other.get() + ", which a DL4J zip converted from an .onnx cannot record (it has no training record), "
                    + "so evaluate, predict and serve would take it for an MNIST model. Export the run's own model.zip "
                    + "instead, or this file as onnx or tf.");
        }
        // Every format made before any is written: a network TensorFlow cannot express was refused after the .onnx
        // had been written.
        byte[] onnxBytes = wanted.contains("onnx") ? ModelExport.onnx(loaded, file.toString()) : null;
        byte[] pbBytes = wanted.contains("tf") ? TfExport.toBytes(loaded.network(), file.toString()) : null;
        for (String format : wanted) {
            switch (format) {
                case "onnx" -> {
                    AtomicFiles.writeBytes(onnx, onnxBytes);
                    out().printf(Locale.ROOT, "Wrote %s (%,d bytes): ONNX IR version %d, opset %d; input '%s' float [N, 784], "
                                    + "pixels 0..1; output '%s' [N, 10].%n", shown(onnx), Files.size(onnx),
                            OnnxExport.IR_VERSION, OnnxExport.OPSET, OnnxExport.INPUT, OnnxExport.OUTPUT);
                }
                case "tf" -> {
                    Path pb = dir.resolve(base + ".pb");
                    AtomicFiles.writeBytes(pb, pbBytes);
                    out().printf(Locale.ROOT, "Wrote %s (%,d bytes): a TensorFlow frozen GraphDef; placeholder 'x' float [?, 784], "
                            + "pixels 0..1; softmax output 'pred' (tf.compat.v1.import_graph_def).%n", shown(pb),
                            Files.size(pb));
                }
                default -> dl4j(loaded, dir, base);
            }
        }
        if (loaded.damagedCheck().isPresent()) {
            out().println("The model's not-a-digit check is damaged and was not exported (calibrate the model again to "
                    + "replace it).");
        }
        if (loaded.notADigit().isPresent() && (wanted.contains("onnx") || wanted.contains("tf"))) {
            out().println("The model's not-a-digit check is mnist-fcn's own: the .onnx and .pb files hold the network "
                    + "only, and answer a digit for every picture (the -inference.zip of --format dl4j keeps the check).");
        }
    }

    /** A path named after the user's file, which may hold a line break or an escape sequence. */
    private static String shown(Path p) {
        return TerminalText.shown(p.toString());
    }

    private void dl4j(ModelFiles.Loaded loaded, Path dir, String base) throws IOException {
        Path zip = dir.resolve(base + "-inference.zip");
        Path json = dir.resolve(base + "-network.json");
        // A calibrated model's inference zip refuses what it refused (it said "not a digit" for nothing without it).
        ModelFiles.save(loaded.network(), zip, false, loaded.metadata().orElse(null), loaded.notADigit().orElse(null));
        AtomicFiles.writeString(json, loaded.network().getLayerWiseConfigurations().toJson());
        out().printf(Locale.ROOT, "Wrote %s (%,d bytes; the input was %,d) and %s.%n", shown(zip), Files.size(zip), loaded.fileBytes(),
                shown(json));
        out().println("The inference zip has no updater state: it predicts and evaluates, but training cannot resume "
                + "from it exactly (the optimizer would restart). The JSON is the MultiLayerConfiguration, readable with "
                + "MultiLayerConfiguration.fromJson.");
    }
}
