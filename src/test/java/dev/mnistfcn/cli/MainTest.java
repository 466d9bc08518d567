package dev.mnistfcn.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @Test
    void userMistakeGivesOneParagraphAndExitCode2() {
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"train", "--config", "config/two-layer.yaml", "--set", "training.updater.learning_rate=-1"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        String msg = err.toString();
        assertEquals(2, code);
        assertTrue(msg.startsWith("error: config/two-layer.yaml"), msg);
        assertTrue(msg.contains("'training.updater.learning_rate'"), msg);
        assertFalse(msg.contains("\tat "), "no stack trace: " + msg);
        assertEquals(1, msg.strip().lines().count(), msg);
    }

    @Test
    void missingConfigExitsNonZero() {
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"train", "-c", "missing.yaml"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err));
        assertEquals(2, code);
        assertTrue(err.toString().contains("Config file 'missing.yaml' not found"), err.toString());
    }
}
