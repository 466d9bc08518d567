package dev.mnistfcn.walkthrough;

import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.Mnist;
import dev.mnistfcn.Folders;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.data.DatasetFiles;
import dev.mnistfcn.network.LayerSizes;
import dev.mnistfcn.network.NetworkFactory;
import dev.mnistfcn.storage.AtomicFiles;
import org.deeplearning4j.datasets.iterator.impl.MnistDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.evaluation.classification.Evaluation;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One run in plain DL4J, to read top to bottom: YAML config → network → fit → evaluate → saved zip. Run it
 * with {@code mvn -q compile exec:java -Dwalkthrough=two-layer.yaml}. The {@code train} command does the same
 * job with a validation split, checkpoints and a faster training step.
 */
public final class PlainDl4j {
    /** Trains, prints the test-set evaluation, saves the zip; returns the evaluation. */
    public static Evaluation run(ExperimentConfig config, PrintStream out) throws IOException {
        // 1. The network: the project's one YAML → DL4J builder translation, so the layers match the train command's.
        MultiLayerNetwork net = new MultiLayerNetwork(NetworkFactory.configuration(config));
        net.init();
        out.printf(Locale.ROOT, "%s: %s, %,d parameters%n", config.name(),
                LayerSizes.of(net.getLayerWiseConfigurations()), net.numParams());

        // 2. The data: DL4J's own iterator on the IDX files in our folder (its own download fails offline). It trains
        // on all 60,000 training images: no validation split (the train command holds out the first 5,000, as the
        // TensorFlow tutorial does), and none needed, as nothing here is tuned. data.train_limit > 0: a random subset.
        if (Dataset.of(config.data()) != Dataset.MNIST) {
            throw new UserError("The walkthrough shows DL4J's own MnistDataSetIterator, which reads MNIST only, but config '"
                    + config.name() + "' has data.dataset: " + config.data().dataset() + ". Train it with the train "
                    + "command, or walk through an MNIST config (e.g. two-layer.yaml).");
        }
        Folders.refuseNonFolder(Path.of(config.output().dir()), "output.dir"); // now, not at the save after training
        Path zip = Path.of(config.output().dir(), config.name() + "-walkthrough.zip");
        requireSavable(zip);
        // Two keys change what is trained, and this page shows fit alone: say so rather than drop them unnoticed.
        List<String> notHere = new ArrayList<>();
        if (config.data().augment() != null) notHere.add("data.augment (distorted training digits)");
        if (config.training().earlyStopping() != null) notHere.add("training.early_stopping");
        if (!notHere.isEmpty()) {
            out.println("Note: the walkthrough trains MNIST's own digits with plain fit for training.epochs ("
                    + config.training().epochs() + "); " + String.join(" and ", notHere) + " of config '" + config.name()
                    + "' " + (notHere.size() == 1 ? "is" : "are") + " the train command's only.");
        }
        Path data = Path.of(config.data().dir());
        if (DatasetFiles.ensure(Dataset.MNIST, data).values().stream().anyMatch(f -> f.toString().endsWith(DatasetFiles.GZ))) {
            throw new UserError("The walkthrough's MnistDataSetIterator reads unzipped IDX files only, but " + data
                    + " has gzipped ones: unzip them there (gunzip " + data + "/*.gz), or point data.dir at a folder "
                    + "of unzipped files.");
        }
        File dir = data.toFile();
        int batch = config.training().batchSize();
        int examples = config.data().trainLimit() > 0 ? config.data().trainLimit() : Mnist.TRAIN_FILE_SIZE;
        var train = new MnistDataSetIterator(batch, examples, false, true, true, config.seed(), dir);
        var test = new MnistDataSetIterator(batch, Mnist.TEST_FILE_SIZE, false, false, false, config.seed(), dir);

        // 3. Training: fit runs the epochs and reshuffles before each; the listener prints one line per epoch.
        net.setListeners(new EpochLines(out));
        net.fit(train, config.training().epochs());

        // 4. The test set: accuracy, precision, recall, F1 and the confusion matrix.
        Evaluation evaluation = net.evaluate(test);
        out.println(evaluation.stats());
        out.printf(Locale.ROOT, "Test accuracy: %.2f%%%n", 100 * evaluation.accuracy());

        // 5. Save with the updater state, so training could continue from it. writeAtomically writes a temp file
        // and renames it: the zip is complete or absent. Its own name leaves the train command's model.zip alone.
        try {
            AtomicFiles.writeAtomically(zip, stream -> ModelSerializer.writeModel(net, stream, true));
        } catch (IOException e) {
            throw Folders.cannotWrite("the walkthrough's model", zip.getParent(), e);
        }
        out.println("Saved " + zip);
        return evaluation;
    }

    /**
     * The save's place, checked before the epochs: a folder of the zip's name, or a folder that cannot be written,
     * failed only at the save after training, with a stack trace.
     */
    private static void requireSavable(Path zip) {
        if (Files.exists(zip, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(zip, LinkOption.NOFOLLOW_LINKS)) {
            throw new UserError(zip + " exists and is not a file: the walkthrough saves its model there. Remove it, or "
                    + "give the run another name (--set name=…).");
        }
        try {
            AtomicFiles.requireWritable(zip.getParent());
        } catch (IOException e) {
            throw Folders.cannotWrite("the walkthrough's model", zip.getParent(), e);
        }
    }

    /** One line per epoch with its mean batch loss (DL4J's ScoreIterationListener logs single batches). */
    private static final class EpochLines extends BaseTrainingListener {
        private final PrintStream out;
        private double lossSum;
        private int batches, epoch;

        EpochLines(PrintStream out) {
            this.out = out;
        }

        @Override
        public void iterationDone(Model model, int iteration, int epochIndex) {
            lossSum += model.score();
            batches++;
        }

        @Override
        public void onEpochEnd(Model model) {
            out.printf(Locale.ROOT, "epoch %2d  mean loss %.4f%n", ++epoch, lossSum / batches);
            lossSum = batches = 0;
        }
    }
}
