package dev.mnistfcn.storage;

import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.UserError;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checkpoints of one run, {@code <run>/checkpoints/epoch-NN.zip}, plus {@code best.zip}.
 *
 * <p>There is no pointer file to keep in sync: "the latest checkpoint" (TensorFlow's
 * {@code get_checkpoint_state}) is the highest epoch number among the complete files in the folder.
 * Files are written under a temporary name and renamed atomically ({@link AtomicFiles}), so a name
 * that matches {@code epoch-NN.zip} is always complete, and a crash leaves only {@code .tmp-*} files,
 * which are ignored, and removed by the next run of the folder ({@link RunFolder#removeUnfinishedWrites}).
 * Any other name (a copy, {@code epoch-5.zip}, {@code epoch-99999999999.zip}) is not ours: ignored, with a warning.
 */
public final class CheckpointStore {
    public static final String FOLDER = "checkpoints";
    public static final String BEST = "best.zip";
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    /** Digits as {@link #fileName} writes them; an epoch is an int, so at most 10 (the value is checked too). */
    private static final Pattern NAME = Pattern.compile("epoch-(\\d{2,10})\\.zip");
    /** Each foreign file is warned about once, not on every listing (one per checkpoint saved). */
    private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final int keep;

    public CheckpointStore(Path runDir, int keep) {
        this.dir = runDir.resolve(FOLDER);
        this.keep = keep;
    }

    public Path dir() {
        return dir;
    }

    public static String fileName(int epoch) {
        return String.format(Locale.ROOT, "epoch-%02d.zip", epoch);
    }

    /** Writes the checkpoint for {@code meta.epoch()} and prunes all but the newest {@code keep}. */
    public Path save(MultiLayerNetwork net, ModelMetadata meta) throws IOException {
        Path file = dir.resolve(fileName(meta.epoch()));
        ModelFiles.save(net, file, true, meta);
        prune();
        return file;
    }

    /**
     * Writes {@code best.zip}, atomically: the network with the best validation accuracy so far, or with early
     * stopping the best by its monitor (the weights {@code model.zip} will hold).
     */
    public Path saveBest(MultiLayerNetwork net, ModelMetadata meta) throws IOException {
        Path file = best();
        ModelFiles.save(net, file, true, meta);
        return file;
    }

    /** Where {@link #saveBest} writes. */
    public Path best() {
        return dir.resolve(BEST);
    }

    /**
     * The network early stopping kept, from {@code best.zip}, which must hold {@code epoch}: after a resume from an
     * older checkpoint, best.zip is right only if the retrained epochs improved where the lost ones did, which exact
     * resume guarantees; a mismatch is reported rather than saved as the wrong epoch. Its recorded epochs must be the
     * run's own ({@code history}'s losses and accuracies): a best.zip of the same epoch copied from another run went
     * into model.zip beside this run's history. {@code run} names the run.
     */
    public MultiLayerNetwork loadBest(int epoch, List<EpochStats> history, String run) {
        Path best = best();
        if (!Files.isRegularFile(best)) {
            throw new UserError("Early stopping kept epoch " + epoch + ", but " + best + " (its weights) is missing. "
                    + "Train '" + run + "' again from scratch (without resume).");
        }
        ModelFiles.Loaded loaded = ModelFiles.load(best, true);
        int saved = loaded.metadata().map(ModelMetadata::epoch).orElse(-1);
        if (saved != epoch) {
            throw new UserError("Early stopping kept epoch " + epoch + ", but " + best + " holds epoch " + saved
                    + ". Train '" + run + "' again from scratch (without resume).");
        }
        List<EpochStats> recorded = loaded.metadata().get().history();
        for (int e = 0; e < epoch; e++) {
            if (e >= recorded.size() || e >= history.size() || !sameFigures(recorded.get(e), history.get(e))) {
                throw new UserError("Early stopping kept epoch " + epoch + ", but " + best + " records other figures "
                        + "for epoch " + (e + 1) + " than this run trained: it is another run's. Train '" + run
                        + "' again from scratch (without resume).");
            }
        }
        return loaded.network();
    }

    /** Complete checkpoints, newest first. */
    public List<Path> list() {
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> out = new ArrayList<>();
        try (var files = Files.list(dir)) {
            files.forEach(p -> {
                String name = p.getFileName().toString();
                if (epochOf(p) >= 0) {
                    out.add(p);
                } else if (!name.equals(BEST) && !name.startsWith(AtomicFiles.TEMP_PREFIX) && WARNED.add(p.toAbsolutePath())) {
                    LOG.warn("Ignoring {}: not a checkpoint name mnist-fcn writes (epoch-NN.zip, NN the epoch, at least "
                            + "two digits, at most {}), so it is neither resumed from nor pruned.", p, Integer.MAX_VALUE);
                }
            });
        } catch (IOException e) {
            throw new UserError("Cannot list checkpoints in " + dir + ": " + e.getMessage());
        }
        out.sort(Comparator.comparingInt(CheckpointStore::epochOf).reversed());
        return out;
    }

    public Optional<Path> latest() {
        return list().stream().findFirst();
    }

    /** The epoch of a checkpoint named exactly as {@link #fileName} names it, else -1. */
    public static int epochOf(Path checkpoint) {
        String name = checkpoint.getFileName().toString();
        Matcher m = NAME.matcher(name);
        if (!m.matches()) return -1;
        long epoch = Long.parseLong(m.group(1)); // ≤ 10 digits: always a long
        return epoch <= Integer.MAX_VALUE && fileName((int) epoch).equals(name) ? (int) epoch : -1;
    }

    /** Deletes all but the newest {@code keep} checkpoints (a kill between a save and its prune left one more). */
    public void prune() throws IOException {
        List<Path> all = list();
        for (int i = keep; i < all.size(); i++) {
            Files.deleteIfExists(all.get(i));
        }
    }

    /** The same epoch's losses and accuracy (its seconds differ from run to run). */
    private static boolean sameFigures(EpochStats a, EpochStats b) {
        return a.epoch() == b.epoch() && Double.compare(a.trainLoss(), b.trainLoss()) == 0 // NaN equals NaN here
                && Double.compare(a.validationLoss(), b.validationLoss()) == 0
                && Double.compare(a.validationAccuracy(), b.validationAccuracy()) == 0;
    }
}
