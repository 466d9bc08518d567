package dev.mnistfcn.cli;

import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.DataSpec;
import dev.mnistfcn.config.DatasetName;
import dev.mnistfcn.config.Spelling;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.engine.Engine;
import dev.mnistfcn.eval.EvalResult;
import dev.mnistfcn.eval.Evaluator;
import dev.mnistfcn.interop.ModelSource;
import dev.mnistfcn.network.LayerSizes;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.report.MarkdownReport;
import dev.mnistfcn.report.TestMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate any DL4J MultiLayerNetwork zip or fully-connected .onnx classifier on the test set it was trained on (MNIST unless its metadata says Fashion-MNIST) (also: mvn exec:java -Dmodel=ZIP).")
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "ZIP", description = "Model zip or .onnx file (default: -Dmodel).")
    Path model;

    @Parameters(paramLabel = "ZIP", arity = "0..1", description = "The same as --model: evaluate ZIP.")
    Path modelArgument;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder of the test set the model was trained on "
            + "(default: for MNIST $MNIST_FCN_DATA_DIR or " + DataSpec.DEFAULT_DIR + "; for Fashion-MNIST /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--dataset", paramLabel = "DATASET", description = "mnist or fashion-mnist: the test set for a model "
            + "file that records none (an .onnx file from elsewhere). A file that records its dataset is tested on it.")
    String datasetOption;

    @Option(names = "--engine", paramLabel = "ENGINE", description = "auto (default: the fused engine where it computes "
            + "what DL4J's output computes, else DL4J), dl4j or fused; also -Dtraining.engine=...")
    String engine = System.getProperty("training.engine", "auto");

    @Mixin
    InputScaleOption inputScale;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path file = CommandDefaults.requireModel(model, modelArgument);
        ModelFiles.Loaded loaded = ModelSource.load(file, inputScale.value());
        var net = loaded.network();
        Engine.Choice choice = Engine.choose(engine, net.getLayerWiseConfigurations(), Engine.Use.INFERENCE,
                "model " + file, "--engine");
        Dataset dataset = dataset(file, loaded);
        Path dir = dataDir != null ? dataDir
                : dataset == Dataset.MNIST ? CommandDefaults.fromEnvironment() : Path.of(dataset.defaultDir());
        var test = MnistSplits.loadTest(dataset, dir);
        EvalResult r = Evaluator.evaluate(choice.engine().predictor(net), test);
        TestMetrics t = TestMetrics.of(r);
        out.printf(Locale.ROOT, "%s: %s, %,d parameters%n", TerminalText.shown(file.toString()), LayerSizes.of(net.getLayerWiseConfigurations()),
                net.numParams());
        out.println(choice.describe());
        if (loaded.damagedCheck().isPresent()) {
            out.println("Its not-a-digit check is damaged (calibrate the model again to replace it); the test set needs "
                    + "none.");
        }
        out.printf(Locale.ROOT, "Test set: %s, %s (%s).%n", dataset.title(), dir, loaded.dataset().isPresent()
                ? "the dataset its metadata records" : datasetOption != null ? "--dataset"
                : "no dataset recorded in the file: MNIST unless --dataset names another");
        out.print(MarkdownReport.testSummary(t, dataset));
        out.print(MarkdownReport.classTables(t, dataset));
        loaded.metadata().map(m -> m.testAccuracy()).ifPresent(recorded -> out.printf(Locale.ROOT,
                "%nRecorded at save time: %.2f%% — %s.%n", 100 * recorded,
                recorded == t.accuracy() ? "identical" : String.format(Locale.ROOT, "differs by %.4f points", 100 * (t.accuracy() - recorded))));
        out.flush();
        return 0;
    }

    /**
     * The test set of the dataset the model was trained on: as the file records it (a zip's metadata, an .onnx file's
     * metadata_props), else {@code --dataset}, else MNIST (zips from elsewhere, files from before Fashion-MNIST).
     */
    private Dataset dataset(Path file, ModelFiles.Loaded loaded) {
        Dataset given = datasetOption == null ? null : Dataset.byId(Spelling.of(datasetOption, DatasetName.idList()))
                .orElseThrow(() -> new UserError("--dataset '" + datasetOption + "' is not a dataset. Expected one of "
                        + DatasetName.ids() + "."));
        Optional<Dataset> recorded = loaded.dataset().map(id -> Dataset.byId(id).orElseThrow(() -> new UserError("Model "
                + file + " records that it was trained on '" + id + "', which is not a dataset mnist-fcn has ("
                + DatasetName.ids() + "), so it has no test set here.")));
        if (given != null && recorded.isPresent() && given != recorded.get()) {
            throw new UserError("--dataset " + datasetOption + " contradicts model " + file + ", which records that it "
                    + "was trained on " + recorded.get().title() + ". Leave the option out to test it on its own dataset.");
        }
        return recorded.orElse(given != null ? given : Dataset.MNIST);
    }
}
