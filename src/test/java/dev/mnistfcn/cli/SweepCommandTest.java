package dev.mnistfcn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep command's user mistakes: one paragraph, exit code 2, nothing trained. */
class SweepCommandTest {
    @TempDir
    Path dir;

    private String error(String... args) {
        var err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        String msg = err.toString();
        assertEquals(2, code, msg);
        assertEquals(1, msg.strip().lines().count(), msg);
        assertTrue(msg.startsWith("error: "), msg);
        return msg;
    }

    @Test
    void mistakesAreOneParagraph() throws Exception {
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, "base: two-layer.yaml\nparameters: {training.epochs: [1, 2]}\nmetric: test_accuracy\n");
        assertTrue(error("sweep", f.toString()).contains("the test set is only reported"));
        Files.writeString(f, "base: two-layer.yaml\nparameters: {training.epochs: [1, 2]}\n");
        assertTrue(error("sweep", f.toString(), "--engine", "ray").contains("Expected local"));
        assertTrue(error("sweep", f.toString(), "--name", "a/b").contains("--name has value 'a/b'"));
        assertTrue(error("sweep", f.toString(), "--workers", "0").contains("--workers has value '0'"));
        // It was ignored without a word: the sweep ran in local worker processes.
        assertTrue(error("sweep", f.toString(), "--master", "local[4]").contains("--master (-Dsweep.master) is for "
                + "--engine spark"));
        // And --workers, --threads with --engine spark (a review)
        assertTrue(error("sweep", f.toString(), "--engine", "spark", "--workers", "3").contains("--workers and "
                + "--threads (-Dworkers, -Dthreads) are for the local engine"));
        assertTrue(error("sweep", dir.resolve("missing.yaml").toString()).contains("missing.yaml does not exist"));
        assertTrue(Files.notExists(Path.of("models", "s")), "nothing trained");
    }
}
