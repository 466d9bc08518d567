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

    /**
     * The child JVM's stderr reaches the user whole once its main ran, minus only the JVM's incubator-module notice
     * and the handshake line; without the handshake it is held back for the parent's warning.
     */
    @Test
    void childStderrLosesOnlyTheIncubatorNoticeAndTheHandshake() {
        String nl = System.lineSeparator();
        String notice = NativeSettings.INCUBATOR_WARNING + nl;
        String started = NativeSettings.STARTED + nl;
        assertEquals("Epoch 1 [===>   ]\rEpoch 1 [=====>]", childStderr(notice + started + "Epoch 1 [===>   ]\rEpoch 1 [=====>]", true));
        assertEquals("WARNING: something else\nafter", childStderr("WARNING: something else\n" + started + "after", true));
        assertEquals(notice, childStderr(started + notice, true)); // the program's own output is not filtered
        assertEquals("", childStderr("ERROR: transport error 202: bind failed\nWARNING: Using incub", false));
        assertEquals("", childStderr(notice, false));
    }

    private static String childStderr(String written, boolean started) {
        var out = new ByteArrayOutputStream();
        var handshake = new NativeSettings.Handshake();
        handshake.copy(new ByteArrayInputStream(written.getBytes()), new PrintStream(out));
        assertEquals(started, handshake.started, written);
        assertTrue(handshake.ended);
        if (!started) assertEquals(written.replace(NativeSettings.INCUBATOR_WARNING + System.lineSeparator(), ""),
                handshake.held.toString(), "held for the warning");
        return out.toString();
    }
}
