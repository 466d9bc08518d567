package dev.mnistfcn.train;

import dev.mnistfcn.eval.EpochStats;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** The tutorial's per-epoch print: a header, within-epoch progress, one line per epoch. */
public final class ConsoleListener implements TrainingListener {
    private final PrintStream out;
    private final ProgressBar progress;
    private int epochs;
    private int shownEpoch = -1;
    private String label;

    public ConsoleListener(PrintStream out, boolean showProgress) {
        this.out = out;
        this.progress = new ProgressBar(out, showProgress);
    }

    @Override
    public void trainingStarted(EpochPlan plan) {
        epochs = plan.epochs();
        out.println("epoch | train loss | val loss | val acc | train s | examples/s");
    }

    @Override
    public void batchDone(int epoch, int batch, int batches, double meanLoss, double seconds) {
        if (epoch != shownEpoch) {
            shownEpoch = epoch;
            label = String.format(Locale.ROOT, "epoch %" + String.valueOf(epochs).length() + "d/%d", epoch, epochs);
            progress.reset();
        }
        progress.update(label, batch, batches, meanLoss, seconds);
    }

    @Override
    public void epochDone(EpochStats s, List<EpochStats> history) {
        out.println(String.format(Locale.ROOT, "%" + Math.max(5, String.valueOf(epochs).length() * 2 + 1)
                        + "s | %10.4f | %8.4f | %6.2f%% | %7.2f | %10.0f", s.epoch() + "/" + epochs, s.trainLoss(),
                s.validationLoss(), 100 * s.validationAccuracy(), s.trainSeconds(), s.examplesPerSecond()));
    }
}
