package dev.mnistfcn.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
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

    /** The child JVM's stderr reaches the user whole, minus only the JVM's incubator-module notice. */
    @Test
    void childStderrLosesOnlyTheIncubatorNotice() {
        String notice = NativeSettings.INCUBATOR_WARNING + System.lineSeparator();
        assertEquals("Epoch 1 [===>   ]\rEpoch 1 [=====>]", childStderr(notice + "Epoch 1 [===>   ]\rEpoch 1 [=====>]"));
        assertEquals("WARNING: something else\n", childStderr("WARNING: something else\n"));
        assertEquals("WARNING: Using incub", childStderr("WARNING: Using incub")); // cut short: kept
        assertEquals("", childStderr(notice));
    }

    private static String childStderr(String written) {
        var out = new ByteArrayOutputStream();
        NativeSettings.copyWithoutIncubatorWarning(new ByteArrayInputStream(written.getBytes()), new PrintStream(out));
        return out.toString();
    }
}
