package dev.mnistfcn.train;

import dev.mnistfcn.config.EarlyStoppingSpec;
import dev.mnistfcn.engine.Predictor;
import dev.mnistfcn.engine.TrainingStep;
import dev.mnistfcn.eval.EpochStats;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Early stopping through the real {@link Trainer} and {@link dev.mnistfcn.eval.Evaluator}, on crafted histories: a
 * fake engine whose "weights" are the number of epochs trained, and whose predictions give each epoch the
 * validation loss (or accuracy) the test wrote down.
 */
class EarlyStoppingTest {
    private static final int VALIDATION = 100;

    /** A step whose state after epoch e is e, predicting so that epoch e scores {@code loss[e-1]} / {@code accuracy[e-1]}. */
    private static final class CraftedStep implements TrainingStep {
        final double[] losses, accuracies;
        int weights; // epochs trained so far: what "the network" holds

        CraftedStep(double[] losses, double[] accuracies) {
            this.losses = losses;
            this.accuracies = accuracies;
        }

        @Override
        public double fit(DataSet data, int[] rows) {
            return 0;
        }

        @Override
        public void endEpoch() {
            weights++;
        }

        @Override
        public Predictor predictor() {
            int epoch = weights;
            return features -> {
                int n = (int) features.rows();
                INDArray p = Nd4j.create(DataType.FLOAT, n, 10);
                for (int i = 0; i < n; i++) {
                    if (losses != null) {
                        // Every label is class 0: the cross-entropy is -ln p0, so p0 = exp(-loss).
                        double p0 = Math.exp(-losses[epoch - 1]);
                        p.putScalar(i, 0, p0);
                        for (int k = 1; k < 10; k++) p.putScalar(i, k, (1 - p0) / 9);
                    } else {
                        // The first accuracy·n rows right (class 0 most probable), the rest wrong (class 1).
                        boolean right = i < Math.round(accuracies[epoch - 1] * n);
                        p.putScalar(i, right ? 0 : 1, 0.91);
                        for (int k = 0; k < 10; k++) if (k != (right ? 0 : 1)) p.putScalar(i, k, 0.01);
                    }
                }
                return Predictor.rowMajor(p);
            };
        }
    }

    private record Outcome(List<EpochStats> history, EarlyStoppingOutcome result, List<Integer> savedWeights,
                           String console) {
    }

    private static Outcome train(CraftedStep step, EarlyStoppingSpec spec, int epochs, List<EpochStats> done) {
        List<Integer> saved = new ArrayList<>();
        var console = new ByteArrayOutputStream();
        var listener = new EarlyStoppingListener(spec, (best, history) -> {
            assertEquals(step.weights, best.epoch(), "saved right after its own epoch");
            saved.add(step.weights);
        }, new PrintStream(console));
        DataSet train = new DataSet(Nd4j.zeros(DataType.FLOAT, 4, 784), Nd4j.zeros(DataType.FLOAT, 4, 10));
        INDArray labels = Nd4j.zeros(DataType.FLOAT, VALIDATION, 10);
        for (int i = 0; i < VALIDATION; i++) labels.putScalar(i, 0, 1);
        DataSet validation = new DataSet(Nd4j.zeros(DataType.FLOAT, VALIDATION, 784), labels);
        List<EpochStats> history = new Trainer(List.of(listener))
                .train(step, new EpochPlan(train, validation, 2, 1, epochs, done));
        return new Outcome(history, listener.outcome(), saved, console.toString());
    }

    private static Outcome losses(EarlyStoppingSpec spec, int epochs, double... losses) {
        return train(new CraftedStep(losses, null), spec, epochs, List.of());
    }

    @Test
    void stopsOncePatienceEpochsPassWithoutABetterLossAndKeepsTheBestEpochsWeights() {
        Outcome o = losses(new EarlyStoppingSpec("val_loss", 2, 0.0), 10, 0.9, 0.5, 0.6, 0.4, 0.45, 0.41, 0.42, 0.3);
        assertEquals(List.of(0.9, 0.5, 0.6, 0.4, 0.45, 0.41), o.history().stream()
                .map(s -> Math.round(s.validationLoss() * 1e4) / 1e4).toList(), "the crafted losses came through");
        assertEquals(6, o.history().size(), "epochs 5 and 6 did not beat epoch 4: stop after 6, never train 7");
        assertEquals(List.of(1, 2, 4), o.savedWeights(), "saved at each new best; the last save is epoch 4's weights");
        EarlyStoppingOutcome r = o.result();
        assertTrue(r.stoppedEarly());
        assertEquals(6, r.totalEpochs());
        assertEquals(4, r.bestModelEpoch());
        assertEquals(0.4, r.bestModelScore(), 1e-6);
        assertEquals("EpochTerminationCondition", r.terminationReason());
        assertTrue(r.terminationDetails().startsWith("ScoreImprovementEpochTerminationCondition(maxEpochsWithNoImprovement=2"),
                r.terminationDetails());
        assertEquals("Early stopping: stopped after epoch 6, as val_loss had not improved by more than 0.0 for 2 "
                + "epochs; the model keeps epoch 4's weights (val_loss 0.4000).\n", o.console());
    }

    @Test
    void minDeltaCountsOnlyLargerImprovements() {
        double[] losses = {1.0, 0.95, 0.93, 0.92, 0.70, 0.69};
        Outcome strict = losses(new EarlyStoppingSpec("val_loss", 3, 0.1), 6, losses);
        assertEquals(4, strict.history().size(), "0.05, 0.07, 0.08 below epoch 1: none more than 0.1");
        assertEquals(1, strict.result().bestModelEpoch());
        assertEquals(List.of(1), strict.savedWeights());

        Outcome plain = losses(new EarlyStoppingSpec("val_loss", 3, 0.0), 6, losses);
        assertEquals(6, plain.history().size(), "without min_delta every decrease counts");
        assertFalse(plain.result().stoppedEarly());
        assertEquals(6, plain.result().bestModelEpoch());
        assertEquals("MaxEpochsTerminationCondition(6)", plain.result().terminationDetails());
    }

    /** Met at the last epoch, the condition ended nothing: "stopped early" was said of a run that trained them all. */
    @Test
    void aConditionMetAtTheLastEpochIsNoEarlyStop() {
        Outcome o = losses(new EarlyStoppingSpec("val_loss", 2, 0.0), 4, 0.9, 0.5, 0.6, 0.7);
        assertEquals(4, o.history().size());
        assertFalse(o.result().stoppedEarly());
        assertEquals("MaxEpochsTerminationCondition(4)", o.result().terminationDetails());
        assertEquals("Early stopping (val_loss, patience 2, min_delta 0.0) did not end the run before its 4 epochs; the "
                + "model keeps epoch 2's weights (val_loss 0.5000).", o.result().sentence());
        assertEquals("", o.console(), "nothing said of a stop");
        assertTrue(losses(new EarlyStoppingSpec("val_loss", 2, 0.0), 5, 0.9, 0.5, 0.6, 0.7).result().stoppedEarly(),
                "the same epochs of a longer run: stopped early");
    }

    @Test
    void valAccuracyIsMaximisedAndATieIsNoImprovement() {
        CraftedStep step = new CraftedStep(null, new double[]{0.80, 0.85, 0.85, 0.84, 0.86, 0.83});
        Outcome o = train(step, new EarlyStoppingSpec("val_accuracy", 2, 0.0), 6, List.of());
        assertEquals(List.of(0.80, 0.85, 0.85, 0.84), o.history().stream().map(EpochStats::validationAccuracy).toList());
        assertEquals(2, o.result().bestModelEpoch());
        assertEquals(0.85, o.result().bestModelScore(), 1e-9);
        assertEquals(List.of(1, 2), o.savedWeights());
        assertTrue(o.console().contains("(val_accuracy 85.00%)"), o.console());
    }

    @Test
    void aResumedRunContinuesThePatienceCounterFromItsHistory() {
        double[] losses = {0.9, 0.5, 0.6, 0.4, 0.45, 0.41, 0.42, 0.3};
        EarlyStoppingSpec spec = new EarlyStoppingSpec("val_loss", 2, 0.0);
        Outcome straight = losses(spec, 10, losses);

        // Killed after epoch 5, one epoch into the patience: the checkpoint holds epochs 1-5 and their history.
        CraftedStep resumed = new CraftedStep(losses, null);
        resumed.weights = 5;
        Outcome rest = train(resumed, spec, 10, straight.history().subList(0, 5));
        assertEquals(6, rest.history().size(), "one more epoch, as in the straight run; a fresh counter would train 2");
        assertEquals(List.of(), rest.savedWeights(), "epoch 4's best.zip is kept, not overwritten");
        assertEquals(straight.result(), rest.result());

        // Killed right after epoch 4's checkpoint, maybe before its best.zip: the resumed network is epoch 4's.
        CraftedStep atBest = new CraftedStep(losses, null);
        atBest.weights = 4;
        assertEquals(List.of(4), train(atBest, spec, 10, straight.history().subList(0, 4)).savedWeights(),
                "written again at the start of the resume; nothing better follows");

        // Killed after the stop, before the outputs: nothing more is trained.
        CraftedStep stopped = new CraftedStep(losses, null);
        stopped.weights = 6;
        Outcome none = train(stopped, spec, 10, straight.history());
        assertEquals(6, none.history().size());
        assertEquals(0, stopped.weights - 6, "no epoch trained");
        assertEquals(straight.result(), none.result());
    }
}
