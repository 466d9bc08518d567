package dev.mnistfcn.storage;

import dev.mnistfcn.config.ExperimentConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The files of one run, {@code <output.dir>/<name>/}: the one place that knows their names.
 *
 * <pre>
 * model.zip              the trained network (DL4J ModelSerializer format + mnist-fcn.json), with updater state
 * config.resolved.yaml   the config after overrides, written first: the run can be repeated from it
 * metrics.json           history, test metrics, timings, versions
 * report.md, report.html the test-set report
 * checkpoints/           epoch-NN.zip and best.zip ({@link CheckpointStore})
 * </pre>
 */
public record RunFolder(Path dir) {
    public static RunFolder of(ExperimentConfig config) {
        return new RunFolder(Path.of(config.output().dir()).resolve(config.name()));
    }

    public Path model() {
        return dir.resolve("model.zip");
    }

    public Path resolvedConfig() {
        return dir.resolve("config.resolved.yaml");
    }

    public Path metrics() {
        return dir.resolve("metrics.json");
    }

    public Path markdownReport() {
        return dir.resolve("report.md");
    }

    public Path htmlReport() {
        return dir.resolve("report.html");
    }

    public CheckpointStore checkpoints(int keep) {
        return new CheckpointStore(dir, keep);
    }

    /**
     * Deletes what writes cut short by a kill left behind ({@code .tmp-*}: never complete, never read). Only for
     * the holder of the folder's {@link RunLock}: another run's write in progress looks just the same.
     */
    public void removeUnfinishedWrites() throws IOException {
        for (Path d : List.of(dir, dir.resolve(CheckpointStore.FOLDER))) {
            if (!Files.isDirectory(d)) continue;
            try (var files = Files.list(d)) {
                for (Path p : files.filter(f -> f.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX)).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
