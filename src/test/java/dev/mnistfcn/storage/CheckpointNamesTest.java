package dev.mnistfcn.storage;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mnistfcn.TestData;
import dev.mnistfcn.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files in checkpoints/ that mnist-fcn did not name: ignored with a warning, never a stack trace. */
class CheckpointNamesTest {
    @TempDir
    Path run;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(CheckpointStore.class);

    @BeforeEach
    void capture() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void release() {
        logger.detachAppender(log);
    }

    private List<String> warnings() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void onlyNamesAsFileNameWritesThemAreCheckpoints() throws Exception {
        Path dir = Files.createDirectories(run.resolve(CheckpointStore.FOLDER));
        List<String> foreign = List.of("epoch-99999999999.zip", "epoch-2147483648.zip", "epoch-5.zip", "epoch-007.zip",
                "epoch-12.zip.bak", "epoch--1.zip", "notes.txt");
        for (String name : foreign) Files.writeString(dir.resolve(name), "x");
        for (String name : List.of("epoch-03.zip", "epoch-12.zip", "epoch-2147483647.zip", CheckpointStore.BEST,
                AtomicFiles.TEMP_PREFIX + "epoch-13.zip-123")) {
            Files.writeString(dir.resolve(name), "x");
        }
        CheckpointStore store = new CheckpointStore(run, 2);
        assertEquals(List.of(dir.resolve("epoch-2147483647.zip"), dir.resolve("epoch-12.zip"), dir.resolve("epoch-03.zip")),
                store.list());
        assertEquals(-1, CheckpointStore.epochOf(dir.resolve("epoch-99999999999.zip")));
        assertEquals(3, CheckpointStore.epochOf(dir.resolve(CheckpointStore.fileName(3))));
        List<String> warned = warnings();
        assertEquals(foreign.size(), warned.size(), warned.toString());
        for (String name : foreign) {
            assertTrue(warned.stream().anyMatch(w -> w.startsWith("Ignoring " + dir.resolve(name) + ": not a checkpoint "
                    + "name mnist-fcn writes (epoch-NN.zip")), name + ": " + warned);
        }
        store.list();
        assertEquals(foreign.size(), warnings().size(), "each file warned about once");
    }

    /** The case: {@code resume} with only a checkpoint of an absurd epoch number. */
    @Test
    void resumeWithOnlyAForeignCheckpointSaysThereIsNothingToResume() throws Exception {
        Path dir = Files.createDirectories(run.resolve("one-layer").resolve(CheckpointStore.FOLDER));
        Files.writeString(dir.resolve("epoch-99999999999.zip"), "x");
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"train", "-c", "one-layer.yaml", "--resume", "--data-dir",
                TestData.mnistDir().toString(), "--set", "output.dir=" + run}, System.out, new PrintStream(err));
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().startsWith("error: Nothing to resume: " + dir + " holds no checkpoint"), err.toString());
        assertFalse(err.toString().contains("NumberFormatException") || err.toString().contains("\tat "), err.toString());
        assertTrue(warnings().stream().anyMatch(w -> w.startsWith("Ignoring " + dir.resolve("epoch-99999999999.zip"))),
                warnings().toString());
    }
}
