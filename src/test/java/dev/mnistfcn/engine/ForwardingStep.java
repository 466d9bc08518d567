package dev.mnistfcn.engine;

import org.nd4j.linalg.dataset.DataSet;

/** A training step that hands every call to another: tests and measurements override the one call they change. */
public class ForwardingStep implements TrainingStep {
    private final TrainingStep step;

    public ForwardingStep(TrainingStep step) {
        this.step = step;
    }

    @Override
    public double fit(DataSet data, int[] rows) {
        return step.fit(data, rows);
    }

    @Override
    public void endEpoch() {
        step.endEpoch();
    }

    @Override
    public void prepare(DataSet data, int batchSize) {
        step.prepare(data, batchSize);
    }

    @Override
    public void onSpareCore(Runnable work) {
        step.onSpareCore(work);
    }

    @Override
    public Predictor predictor() {
        return step.predictor();
    }
}
