package dev.mnistfcn.cli;

import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.job.CompareJob;
import dev.mnistfcn.storage.RunFolder;
import dev.mnistfcn.storage.RunProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What Ctrl+C during {@code train} and {@code compare} says ({@link TrainCommand#stoppedNote}, {@link
 * CompareCommand#stoppedNote}), from the run's progress file and checkpoints as this process left them; the real
 * signals are {@code MainTest.ctrlCDuring…}.
 */
class TrainCommandTest {
    @TempDir
    Path out;

    @Test
    void theEpochInProgressIsTheOneAfterTheNewestOfProgressLineAndCheckpoint() throws Exception {
        ExperimentConfig cfg = run(5, 1);
        Files.createFile(RunFolder.of(cfg).dir().resolve("checkpoints/epoch-02.zip")); // written before its progress line
        assertEquals("Stopped during epoch 3 of 5 of 'one-layer'. The same command with --resume=auto (-Dresume=auto "
                + "with mvn exec:java) continues from epoch 2's checkpoint, " + checkpoint(cfg, 2) + ".",
                TrainCommand.stoppedNote(cfg, false).orElseThrow());
    }

    @Test
    void aStopAfterTrainingSaysTrainingHadEnded() throws Exception {
        ExperimentConfig cfg = run(5, 2); // early stopping ended it after epoch 2
        Files.createFile(RunFolder.of(cfg).dir().resolve("checkpoints/epoch-02.zip"));
        assertEquals("Stopped after training 'one-layer' (2 of 5 epochs), while its test set was evaluated and its "
                + "files written. The same command with --resume=auto (-Dresume=auto with mvn exec:java) finishes it "
                + "from epoch 2's checkpoint, " + checkpoint(cfg, 2) + ".", TrainCommand.stoppedNote(cfg, true).orElseThrow());
        ExperimentConfig all = run(2, 2); // every epoch done, though training's end was not seen
        assertEquals(true, TrainCommand.stoppedNote(all, false).orElseThrow().startsWith("Stopped after training "
                + "'one-layer' (2 of 2 epochs)"));
    }

    @Test
    void withoutACheckpointARerunStartsAfresh() throws Exception {
        assertEquals("Stopped during epoch 2 of 5 of 'one-layer'. It has no checkpoint to continue from "
                + "(checkpoint.every: 1), so a rerun starts afresh.", TrainCommand.stoppedNote(run(5, 1), false).orElseThrow());
    }

    @Test
    void nothingIsSaidForARunThisProcessIsNotTraining() throws Exception {
        ExperimentConfig cfg = ConfigLoader.load(Path.of("config/one-layer.yaml"), Map.of("output.dir", out.toString()));
        assertEquals(java.util.Optional.empty(), TrainCommand.stoppedNote(cfg, false), "no progress file yet");
        RunProgress.start(RunFolder.of(cfg).dir(), new RunProgress.Started("one-layer", "784-256-10", 20, 50, "fused",
                "adam", RunProgress.pid() + 1, RunProgress.host(), Instant.now().toString()), List.of());
        assertEquals(java.util.Optional.empty(), TrainCommand.stoppedNote(cfg, false), "another process's run");
    }

    /** Compare's line: which run of the comparison, where in it, and what the same compare command does next. */
    @Test
    void compareSaysWhichOfItsRunsStoppedAndWhatARerunReuses() throws Exception {
        ExperimentConfig cfg = run(5, 1);
        Files.createFile(RunFolder.of(cfg).dir().resolve("checkpoints/epoch-01.zip"));
        var job = new dev.mnistfcn.job.TrainingJob(cfg, System.out, false);
        assertEquals("Stopped in run 3 of 6 of the comparison, during epoch 2 of 5 of 'one-layer'. The same compare "
                + "command reuses the 2 finished runs and continues 'one-layer' from epoch 1's checkpoint, "
                + checkpoint(cfg, 1) + ".", CompareCommand.stoppedNote(Optional.of(new CompareJob.Training(cfg, job, 2)), 6, 2)
                .orElseThrow());
        ExperimentConfig fresh = run(5, 0);
        assertEquals("Stopped in run 1 of 2 of the comparison, during epoch 1 of 5 of 'one-layer'. The same compare "
                + "command trains 'one-layer' afresh: it has no checkpoint yet (checkpoint.every: 1).",
                CompareCommand.stoppedNote(Optional.of(new CompareJob.Training(fresh, new dev.mnistfcn.job.TrainingJob(
                        fresh, System.out, false), 0)), 2, 0).orElseThrow());
    }

    /** Between its runs (a run reading data, a test set measured, the report written) compare says what is done. */
    @Test
    void compareStoppedBetweenRunsSaysHowManyAreFinished() throws Exception {
        ExperimentConfig reading = ConfigLoader.load(Path.of("config/one-layer.yaml"), Map.of("output.dir",
                out.resolve("reading").toString())); // no progress file yet: its data is being read
        var job = new dev.mnistfcn.job.TrainingJob(reading, System.out, false);
        assertEquals("Stopped with 2 of the comparison's 6 runs finished. The same compare command reuses them and "
                + "trains the rest.", CompareCommand.stoppedNote(Optional.of(new CompareJob.Training(reading, job, 2)), 6, 3)
                .orElseThrow());
        assertEquals("Stopped with 1 of the comparison's 1 run finished. The same compare command reuses it and "
                + "writes the report.", CompareCommand.stoppedNote(Optional.empty(), 1, 1).orElseThrow());
        assertEquals("Stopped before the first of the comparison's 4 runs had trained; the same compare command "
                + "starts it again.", CompareCommand.stoppedNote(Optional.empty(), 4, 0).orElseThrow());
        assertEquals(Optional.empty(), CompareCommand.stoppedNote(Optional.empty(), 0, 0), "configs still checked");
    }

    /** A run of {@code epochs} that this process has trained {@code done} epochs of. */
    private ExperimentConfig run(int epochs, int done) throws Exception {
        ExperimentConfig cfg = ConfigLoader.load(Path.of("config/one-layer.yaml"), Map.of("output.dir",
                out.resolve("e" + epochs + "d" + done).toString(), "training.epochs", String.valueOf(epochs),
                "checkpoint.every", "1"));
        Path dir = RunFolder.of(cfg).dir();
        RunProgress.start(dir, new RunProgress.Started("one-layer", "784-256-10", epochs, 50, "fused", "adam",
                RunProgress.pid(), RunProgress.host(), Instant.now().toString()), IntStream.rangeClosed(1, done)
                .mapToObj(e -> new EpochStats(e, 0.1, 0.2, 0.97, 0.5, 0.05, 55_000)).toList());
        Files.createDirectories(dir.resolve("checkpoints"));
        return cfg;
    }

    private static Path checkpoint(ExperimentConfig cfg, int epoch) {
        return RunFolder.of(cfg).dir().resolve(String.format("checkpoints/epoch-%02d.zip", epoch));
    }
}
