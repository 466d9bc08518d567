package dev.mnistfcn.train;

import dev.mnistfcn.UserError;
import dev.mnistfcn.data.AugmentedEpochs;
import dev.mnistfcn.data.EpochBatches;
import dev.mnistfcn.engine.TrainingStep;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.eval.EvalResult;
import dev.mnistfcn.eval.Evaluator;

import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The epoch loop: shuffled mini-batches from memory, one {@link TrainingStep} per batch, then validation.
 *
 * <p>The step is whichever engine the job chose; the loop never asks which. Batches are rows of the in-memory
 * training set, not a {@code DataSetIterator}: the data is already in memory, so DL4J's async prefetch thread
 * would only compete for the second core. With {@code data.augment} each epoch trains on its own distorted copy of
 * the training set ({@link AugmentedEpochs}), made while the epoch before it trains.
 */
public final class Trainer {
    private final List<TrainingListener> listeners;

    public Trainer(List<TrainingListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Trains the plan's remaining epochs, or fewer when a listener asks to stop (early stopping); returns the whole
     * history, the plan's earlier epochs included.
     */
    public List<EpochStats> train(TrainingStep step, EpochPlan plan) {
        List<EpochStats> history = new ArrayList<>(plan.done());
        for (TrainingListener l : listeners) l.trainingStarted(plan);
        try (AugmentedEpochs distorted = plan.augment() == null ? null
                : new AugmentedEpochs(plan.train(), plan.augment(), plan.seed(), plan.epochs(),
                        made -> step.prepare(made, plan.batchSize()), step::onSpareCore)) {
            int first = history.size() + 1;
            for (int epoch = first; epoch <= plan.epochs() && !stopRequested(); epoch++) {
                // The wait for a distorted epoch counts in its training time: what augmentation costs the loop.
                long t0 = System.nanoTime();
                DataSet train = distorted == null ? plan.train() : distorted.epoch(epoch);
                history.add(epoch(step, plan, train, epoch, t0));
                List<EpochStats> soFar = List.copyOf(history);
                for (TrainingListener l : listeners) l.epochDone(soFar.get(soFar.size() - 1), soFar);
            }
            if (history.size() >= first && history.size() < plan.epochs()) {
                List<EpochStats> all = List.copyOf(history);
                for (TrainingListener l : listeners) l.stoppedEarly(all);
            }
        }
        return history;
    }

    /**
     * A non-finite training loss means the weights are no longer numbers: every later batch, checkpoint and the model
     * would be NaN (validation cannot even be computed), and every command refuses such a model. So the run stops at
     * that batch, before anything of the epoch is saved; the checkpoints of earlier epochs stay.
     */
    private static UserError diverged(int epoch, EpochPlan plan, int batch, int batches, double loss) {
        return new UserError(String.format(Locale.ROOT, "Training diverged in epoch %d of %d, at batch %d of %d: the "
                + "training loss became %s, so the weights are no longer numbers and nothing more can be learnt. Nothing "
                + "of this epoch was saved (no model.zip; the checkpoints of earlier epochs stay). Start the run afresh, "
                + "without resume, with a lower training.updater.learning_rate (or a schedule that starts lower).",
                epoch, plan.epochs(), batch, batches, loss));
    }

    private boolean stopRequested() {
        return listeners.stream().anyMatch(TrainingListener::stopRequested);
    }

    private EpochStats epoch(TrainingStep step, EpochPlan plan, DataSet train, int epoch, long t0) {
        var batches = new EpochBatches(train, plan.batchSize(), plan.seed(), epoch);
        int total = batches.batches();
        double lossSum = 0;
        long seen = 0;
        int done = 0;
        while (batches.hasNext()) {
            int[] rows = batches.nextRows();
            double loss = step.fit(train, rows);
            if (!Double.isFinite(loss)) throw diverged(epoch, plan, done + 1, total, loss);
            lossSum += loss * rows.length;
            seen += rows.length;
            done++;
            double seconds = (System.nanoTime() - t0) / 1e9;
            for (TrainingListener l : listeners) l.batchDone(epoch, done, total, lossSum / seen, seconds);
        }
        step.endEpoch();
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        EvalResult val = Evaluator.evaluate(step.predictor(), plan.validation());
        return new EpochStats(epoch, lossSum / seen, val.loss(), val.accuracy(), trainSeconds, val.seconds(), seen);
    }
}
