package dev.mnistfcn.storage;

import dev.mnistfcn.UserError;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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
 */
public final class CheckpointStore {
    public static final String FOLDER = "checkpoints";
    public static final String BEST = "best.zip";
    private static final Pattern NAME = Pattern.compile("epoch-(\\d+)\\.zip");

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
        return String.format("epoch-%02d.zip", epoch);
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

    /** Complete checkpoints, newest first. */
    public List<Path> list() {
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> out = new ArrayList<>();
        try (var files = Files.list(dir)) {
            files.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).forEach(out::add);
        } catch (IOException e) {
            throw new UserError("Cannot list checkpoints in " + dir + ": " + e.getMessage());
        }
        out.sort(Comparator.comparingInt(CheckpointStore::epochOf).reversed());
        return out;
    }

    public Optional<Path> latest() {
        return list().stream().findFirst();
    }

    public static int epochOf(Path checkpoint) {
        Matcher m = NAME.matcher(checkpoint.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    private void prune() throws IOException {
        List<Path> all = list();
        for (int i = keep; i < all.size(); i++) {
            Files.deleteIfExists(all.get(i));
        }
    }
}
