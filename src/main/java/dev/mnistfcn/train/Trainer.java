package dev.mnistfcn.train;

import dev.mnistfcn.data.EpochBatches;
import dev.mnistfcn.eval.EvalResult;
import dev.mnistfcn.eval.Evaluator;
import dev.mnistfcn.model.FusedDenseNetwork;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The epoch loop: shuffled mini-batches from memory, one training step per batch, then validation.
 *
 * <p>Each step is {@link FusedDenseNetwork#fit} (the same update as DL4J's {@code fit}, about 5× faster), or
 * {@code fit(DataSet)} for networks it does not cover. Not {@code fit(DataSetIterator)}: the data is already in
 * memory, so DL4J's async prefetch thread would only compete for the second core.
 */
public final class Trainer {
    /** Called after each epoch's validation, e.g. to write a checkpoint. */
    public interface EpochListener {
        void epochDone(MultiLayerNetwork net, EpochStats stats, List<EpochStats> history);
    }

    private final PrintStream out;
    private final Progress progress;
    private final List<EpochListener> listeners = new ArrayList<>();

    public Trainer(PrintStream out, boolean showProgress) {
        this.out = out;
        this.progress = new Progress(out, showProgress);
    }

    public Trainer addListener(EpochListener l) {
        listeners.add(l);
        return this;
    }

    /**
     * Trains epochs {@code history.size() + 1 .. epochs}, appending to {@code history} (which holds the
     * epochs already done when resuming).
     */
    public List<EpochStats> train(MultiLayerNetwork net, DataSet train, DataSet validation, int batchSize,
                                  long seed, int epochs, List<EpochStats> history) {
        return train(net, train, validation, batchSize, seed, epochs, history, () -> {
        });
    }

    /** As above; {@code afterBatch} runs after every parameter update (the benchmark times the first). */
    public List<EpochStats> train(MultiLayerNetwork net, DataSet train, DataSet validation, int batchSize,
                                  long seed, int epochs, List<EpochStats> history, Runnable afterBatch) {
        List<EpochStats> h = new ArrayList<>(history);
        out.println(header());
        for (int epoch = h.size() + 1; epoch <= epochs; epoch++) {
            EpochStats stats = epoch(net, train, validation, batchSize, seed, epoch, epochs, afterBatch);
            h.add(stats);
            out.println(line(stats, epochs));
            for (EpochListener l : listeners) l.epochDone(net, stats, h);
        }
        return h;
    }

    private EpochStats epoch(MultiLayerNetwork net, DataSet train, DataSet validation, int batchSize, long seed,
                             int epoch, int epochs, Runnable afterBatch) {
        var batches = new EpochBatches(train, batchSize, seed, epoch);
        // Built per epoch: it reads the network's parameters and updater state, which a resume may have replaced.
        FusedDenseNetwork fused = FusedDenseNetwork.unsupported(net) == null ? new FusedDenseNetwork(net) : null;
        int total = batches.batches();
        String label = String.format("epoch %" + String.valueOf(epochs).length() + "d/%d", epoch, epochs);
        progress.reset();
        long t0 = System.nanoTime();
        double lossSum = 0;
        long seen = 0;
        int done = 0;
        while (batches.hasNext()) {
            int n;
            double loss;
            if (fused != null) {
                int[] rows = batches.nextRows();
                loss = fused.fit(train, rows);
                n = rows.length;
            } else {
                DataSet batch = batches.next();
                net.fit(batch);
                loss = net.score(); // this batch's loss, computed by fit anyway
                n = batch.numExamples();
            }
            afterBatch.run();
            lossSum += loss * n;
            seen += n;
            done++;
            progress.update(label, done, total, lossSum / seen, (System.nanoTime() - t0) / 1e9);
        }
        if (fused != null) fused.writeUpdaterState();
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        // The epoch's fused network holds the current parameters: validate with it instead of building another.
        EvalResult val = fused != null ? Evaluator.evaluate(fused::output, validation) : Evaluator.evaluate(net, validation);
        return new EpochStats(epoch, lossSum / seen, val.loss(), val.accuracy(), trainSeconds, val.seconds(), seen);
    }

    public static String header() {
        return "epoch | train loss | val loss | val acc | train s | examples/s";
    }

    public static String line(EpochStats s, int epochs) {
        return String.format("%" + Math.max(5, String.valueOf(epochs).length() * 2 + 1) + "s | %10.4f | %8.4f | %6.2f%% | %7.2f | %10.0f",
                s.epoch() + "/" + epochs, s.trainLoss(), s.validationLoss(), 100 * s.validationAccuracy(),
                s.trainSeconds(), s.examplesPerSecond());
    }
}
