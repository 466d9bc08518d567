package dev.mnistfcn.cli;

import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.storage.CheckpointStore;
import dev.mnistfcn.storage.RunFolder;
import dev.mnistfcn.storage.RunProgress;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a run this process was training stood when Ctrl+C (or a SIGTERM) stopped it, for the line {@code train} and
 * {@code compare} print then: the epochs done, whether training had ended (early stopping, or the last epoch, with
 * the test set and files left), and the latest checkpoint a rerun continues from.
 *
 * @param done       epochs done
 * @param epochs     epochs the run trains
 * @param ended      training had ended: only its test and files were left
 * @param checkpoint the latest checkpoint, if any
 */
record StoppedRun(ExperimentConfig cfg, int done, int epochs, boolean ended, Optional<Path> checkpoint) {

    /**
     * The run of {@code cfg} as this process left it; {@code trained}: its training job said training had ended.
     * Empty where this process was not training it (still reading data, or already finished).
     */
    static Optional<StoppedRun> of(ExperimentConfig cfg, boolean trained) {
        RunFolder folder = RunFolder.of(cfg);
        var progress = RunProgress.read(folder.dir()).filter(p -> p.started().pid() == RunProgress.pid()
                && p.finished() == null && p.error() == null);
        if (progress.isEmpty()) return Optional.empty();
        Optional<Path> checkpoint = folder.checkpoints(cfg.checkpoint().keep()).latest();
        // An epoch's checkpoint is written before its progress line: the later of the two is the epoch done.
        int done = Math.max(progress.get().epoch(), checkpoint.map(CheckpointStore::epochOf).orElse(0));
        int epochs = progress.get().started().epochs();
        return Optional.of(new StoppedRun(cfg, done, epochs, trained || done >= epochs, checkpoint));
    }

    /** "Stopped during epoch 3 of 20 of 'two-layer'. ", or that training had ended. */
    String where() {
        return "Stopped " + position() + ". ";
    }

    /** "during epoch 3 of 20 of 'two-layer'", or "after training 'two-layer' (… epochs), while …". */
    String position() {
        return ended ? "after training '" + cfg.name() + "' (" + done + " of " + epochs + " epochs), while its test set "
                + "was evaluated and its files written"
                : "during epoch " + (done + 1) + " of " + epochs + " of '" + cfg.name() + "'";
    }

    /** "epoch 2's checkpoint, PATH", where there is one. */
    Optional<String> checkpointNamed() {
        return checkpoint.map(StoppedRun::named);
    }

    /** "epoch 2's checkpoint, PATH" for checkpoint file {@code c}. */
    static String named(Path c) {
        return "epoch " + CheckpointStore.epochOf(c) + "'s checkpoint, " + c;
    }
}
