package dev.mnistfcn.train;

import dev.mnistfcn.Folders;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.storage.CheckpointStore;
import dev.mnistfcn.storage.ModelMetadata;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Every {@code every} epochs and at the last (training.epochs, or where early stopping ended the run): a checkpoint
 * ({@code epoch-NN.zip}); on a new best validation accuracy: {@code best.zip}. {@code every = 0} writes neither.
 */
public final class CheckpointListener implements TrainingListener {
    private final MultiLayerNetwork net;
    private final CheckpointStore store;
    private final int every;
    private final boolean writeBest;
    private final BiFunction<EpochStats, List<EpochStats>, ModelMetadata> metadata;
    private final PrintStream out;
    private int lastEpoch;
    private double best;

    /** {@code metadata} describes the network after an epoch, from that epoch's figures and the history so far. */
    public CheckpointListener(MultiLayerNetwork net, CheckpointStore store, int every,
                              BiFunction<EpochStats, List<EpochStats>, ModelMetadata> metadata, PrintStream out) {
        this(net, store, every, true, metadata, out);
    }

    /**
     * {@code writeBest} false: no {@code best.zip} from here, because early stopping writes it by its own monitor
     * ({@link EarlyStoppingListener}); one file, one meaning of "best".
     */
    public CheckpointListener(MultiLayerNetwork net, CheckpointStore store, int every, boolean writeBest,
                              BiFunction<EpochStats, List<EpochStats>, ModelMetadata> metadata, PrintStream out) {
        this.net = net;
        this.store = store;
        this.every = every;
        this.writeBest = writeBest;
        this.metadata = metadata;
        this.out = out;
    }

    @Override
    public void trainingStarted(EpochPlan plan) {
        lastEpoch = plan.epochs();
        List<EpochStats> done = plan.done();
        double before = done.stream().limit(Math.max(0, done.size() - 1)).mapToDouble(EpochStats::validationAccuracy)
                .max().orElse(-1);
        EpochStats last = done.isEmpty() ? null : done.get(done.size() - 1);
        best = last == null ? before : Math.max(before, last.validationAccuracy());
        // A kill between the checkpoint and best.zip of one epoch left best.zip an epoch behind: where the resumed
        // epoch was a new best, the restored network is that epoch's, so best.zip is written again from it (as
        // EarlyStoppingListener does with its own).
        if (every == 0 || last == null) return;
        try {
            if (writeBest && last.validationAccuracy() > before) store.saveBest(net, metadata.apply(last, done));
            store.prune(); // a resume that only finishes saves no checkpoint, so would never prune
        } catch (IOException e) {
            throw Folders.cannotWrite("a checkpoint", store.dir(), e);
        }
    }

    @Override
    public void epochDone(EpochStats stats, List<EpochStats> history) {
        if (every == 0) return;
        try {
            if (stats.epoch() % every == 0 || stats.epoch() == lastEpoch) {
                out.println("  checkpoint " + store.save(net, metadata.apply(stats, history)));
            }
            if (writeBest && stats.validationAccuracy() > best) {
                best = stats.validationAccuracy();
                store.saveBest(net, metadata.apply(stats, history));
            }
        } catch (IOException e) {
            throw Folders.cannotWrite("a checkpoint", store.dir(), e);
        }
    }

    /**
     * The epoch early stopping ended on, saved: a run killed before its outputs were written resumed from an earlier
     * checkpoint and trained the epochs up to the stop again (on the DL4J engine with dropout, to other weights).
     */
    @Override
    public void stoppedEarly(List<EpochStats> history) {
        EpochStats last = history.get(history.size() - 1);
        if (every == 0 || last.epoch() % every == 0) return; // none wanted, or saved already
        try {
            out.println("  checkpoint " + store.save(net, metadata.apply(last, history)));
        } catch (IOException e) {
            throw Folders.cannotWrite("a checkpoint", store.dir(), e);
        }
    }
}
