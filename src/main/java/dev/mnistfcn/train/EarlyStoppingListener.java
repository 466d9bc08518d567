package dev.mnistfcn.train;

import dev.mnistfcn.config.EarlyStoppingSpec;
import dev.mnistfcn.eval.EpochStats;
import org.deeplearning4j.earlystopping.EarlyStoppingResult;
import org.deeplearning4j.earlystopping.termination.MaxEpochsTerminationCondition;
import org.deeplearning4j.earlystopping.termination.ScoreImprovementEpochTerminationCondition;

import java.io.PrintStream;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * {@code training.early_stopping} as a listener: after each epoch it feeds the monitored value to DL4J's own
 * {@link ScoreImprovementEpochTerminationCondition} (stop once the best epoch is {@code patience} epochs back, an
 * improvement being more than {@code min_delta}), saves the network whenever that best epoch moves, and asks the
 * loop to stop ({@link #stopRequested()}) when the condition says terminate.
 *
 * <p>Why not DL4J's {@code EarlyStoppingTrainer}: it runs its own loop of {@code net.fit} over a
 * {@code DataSetIterator}, which would bypass the fused engine, our epoch order, checkpoints and resume, and its
 * {@code LocalFileModelSaver} writes the best model in place rather than atomically. Its termination condition is
 * plain logic over (epoch, score) and is used as it is.
 *
 * <p>Resume: the condition's state (best epoch and score, hence the patience counter) is a function of the history,
 * which every checkpoint stores, so {@link #trainingStarted} replays the epochs already done through a fresh
 * condition instead of storing the counter anywhere. The best weights are in {@code best.zip}
 * ({@code saveBest}), which outlives the kill.
 */
public final class EarlyStoppingListener implements TrainingListener {
    private final EarlyStoppingSpec spec;
    private final BiConsumer<EpochStats, List<EpochStats>> saveBest;
    private final PrintStream out;
    private ScoreImprovementEpochTerminationCondition condition;
    private int maxEpochs;
    private int lastEpoch;
    private boolean stop;

    /** {@code saveBest}: writes the network as it is now, after the given epoch, as the best model. */
    public EarlyStoppingListener(EarlyStoppingSpec spec, BiConsumer<EpochStats, List<EpochStats>> saveBest,
                                 PrintStream out) {
        this.spec = spec;
        this.saveBest = saveBest;
        this.out = out;
    }

    /**
     * What early stopping reports after {@code history} with training.epochs = {@code maxEpochs}, replayed as a
     * resume does: how a sweep reads the first epochs of a longer run (a later halving round) as the shorter one.
     */
    public static EarlyStoppingOutcome replay(EarlyStoppingSpec spec, List<EpochStats> history, int maxEpochs) {
        var listener = new EarlyStoppingListener(spec, (best, h) -> { }, null);
        listener.begin(maxEpochs, history);
        return listener.outcome();
    }

    @Override
    public void trainingStarted(EpochPlan plan) {
        begin(plan.epochs(), plan.done());
        // A kill between the checkpoint and best.zip of the same epoch left best.zip behind: the resumed network
        // is that epoch's, so it is written again here (and rewritten, harmlessly, when best.zip was complete).
        if (bestIsLast()) saveBest.accept(plan.done().get(plan.done().size() - 1), plan.done());
        if (endedEarly()) out.println(outcome().sentence() + " (already, before this resume)");
    }

    private void begin(int epochs, List<EpochStats> done) {
        condition = new ScoreImprovementEpochTerminationCondition(spec.patience(), spec.minDelta());
        condition.initialize();
        maxEpochs = epochs;
        lastEpoch = 0;
        stop = false;
        for (EpochStats s : done) observe(s);
    }

    @Override
    public void epochDone(EpochStats stats, List<EpochStats> history) {
        observe(stats);
        // The network now holds this epoch's weights: the only moment they can be saved as the best.
        if (condition.getBestEpoch() == stats.epoch()) saveBest.accept(stats, history);
        if (endedEarly()) out.println(outcome().sentence());
    }

    /**
     * The condition ended the run before training.epochs. Where it is met at the last epoch the run trained all its
     * epochs, and "stopped early" was said of it (a review).
     */
    private boolean endedEarly() {
        return stop && lastEpoch < maxEpochs;
    }

    private void observe(EpochStats s) {
        stop = condition.terminate(s.epoch(), monitored(s), spec.minimize());
        lastEpoch = s.epoch();
    }

    private boolean bestIsLast() {
        return lastEpoch > 0 && condition.getBestEpoch() == lastEpoch;
    }

    @Override
    public boolean stopRequested() {
        return stop;
    }

    private double monitored(EpochStats s) {
        return spec.minimize() ? s.validationLoss() : s.validationAccuracy();
    }

    /** What happened, once training is over. */
    public EarlyStoppingOutcome outcome() {
        String details = endedEarly() ? condition.toString() : new MaxEpochsTerminationCondition(maxEpochs).toString();
        return new EarlyStoppingOutcome(spec.monitor(), spec.patience(), spec.minDelta(), endedEarly(), lastEpoch,
                condition.getBestEpoch(), condition.getBestScore(),
                EarlyStoppingResult.TerminationReason.EpochTerminationCondition.name(), details);
    }
}
