package dev.mnistfcn.train;

import dev.mnistfcn.Folders;
import dev.mnistfcn.engine.Predictor;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.eval.Evaluator;
import dev.mnistfcn.storage.AtomicFiles;
import dev.mnistfcn.storage.RunFolder;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The test-set accuracy after every epoch, into {@code test-by-epoch.csv}, for reporting after the run how soon it
 * passed a mark (time to 99%). Nothing reads it back: the loop, early stopping and the kept model see only the
 * validation set. Off unless asked for ({@code train --test-each-epoch}); it adds one test pass per epoch, timed
 * apart from training. Rows: epoch, test accuracy, training seconds so far (the loop's, as in metrics.json),
 * wall-clock seconds since training started (validation and these test passes included). A resumed run keeps the
 * rows of the epochs it has behind it and counts its wall-clock on from theirs (the time between kill and resume is
 * not in it).
 */
public final class TestCurveListener implements TrainingListener {
    public static final String FILE = RunFolder.TEST_CURVE;
    private final Predictor predictor;
    private final DataSet test;
    private final Path file;
    private final StringBuilder csv = new StringBuilder("epoch,test_accuracy,train_seconds,elapsed_seconds\n");
    private long started;
    private double elapsedBefore;

    public TestCurveListener(Predictor predictor, DataSet test, Path runDir) {
        this.predictor = predictor;
        this.test = test;
        this.file = runDir.resolve(FILE);
    }

    @Override
    public void trainingStarted(EpochPlan plan) {
        started = System.nanoTime();
        if (!plan.done().isEmpty()) keepRowsUpTo(plan.done().size());
    }

    /** A resume's earlier rows (it rewrote the file with its own epochs only); none where the file has none. */
    private void keepRowsUpTo(int epochs) {
        List<String> lines;
        try {
            lines = Files.isRegularFile(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return; // unreadable: the resumed epochs' rows only
        }
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] cells = line.split(",");
            try {
                if (cells.length != 4 || Integer.parseInt(cells[0]) > epochs) continue;
                elapsedBefore = Double.parseDouble(cells[3]);
            } catch (NumberFormatException e) {
                continue;
            }
            csv.append(line).append('\n');
        }
    }

    @Override
    public void epochDone(EpochStats stats, List<EpochStats> history) {
        double accuracy = Evaluator.evaluate(predictor, test).accuracy();
        double trained = history.stream().mapToDouble(EpochStats::trainSeconds).sum();
        csv.append(String.format(Locale.ROOT, "%d,%.4f,%.3f,%.3f%n", stats.epoch(), accuracy, trained, // ms, as metrics.json
                elapsedBefore + (System.nanoTime() - started) / 1e9));
        try {
            AtomicFiles.writeString(file, csv.toString());
        } catch (IOException e) {
            throw Folders.cannotWrite(file.getFileName().toString(), file.getParent(), e); // a full disk: one paragraph
        }
    }
}
