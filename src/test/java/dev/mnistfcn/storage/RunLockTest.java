package dev.mnistfcn.storage;

import dev.mnistfcn.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunLockTest {
    /**
     * A hostile-input review: a run folder whose .lock was a link to a file elsewhere had that file truncated and
     * overwritten with the holder's pid when the run took its lock. The link is refused and the file left as it was.
     */
    @Test
    void aLockFileThatIsALinkIsRefusedAndWhatItLeadsToIsUntouched(@TempDir Path tmp) throws Exception {
        Path victim = Files.writeString(tmp.resolve("precious.txt"), "precious\n".repeat(50));
        Path run = Files.createDirectories(tmp.resolve("models").resolve("r"));
        Files.createSymbolicLink(run.resolve(RunLock.FILE), victim);
        String message = assertThrows(UserError.class, () -> RunLock.acquire(run)).getMessage();
        assertTrue(message.startsWith("Run folder " + run + " holds .lock as a link, not as the file mnist-fcn keeps "
                + "there: remove " + run.resolve(RunLock.FILE)), message);
        Path sweep = Files.createDirectories(tmp.resolve("s"));
        Files.createSymbolicLink(sweep.resolve(RunLock.SWEEP_FILE), victim);
        assertThrows(UserError.class, () -> RunLock.acquireSweep(sweep));
        Files.createDirectories(tmp.resolve("d").resolve(RunLock.FILE));
        assertTrue(assertThrows(UserError.class, () -> RunLock.acquire(tmp.resolve("d"))).getMessage()
                .contains("holds .lock as something other than a file"));
        assertEquals("precious\n".repeat(50), Files.readString(victim));
    }

    /** A run folder that is a link to nowhere: "Cannot lock … (FileAlreadyExistsException)" was all it said (a review). */
    @Test
    void aRunFolderLinkedToNowhereIsSaidToBeOne(@TempDir Path tmp) throws Exception {
        Path run = Files.createSymbolicLink(tmp.resolve("tiny"), tmp.resolve("nowhere"));
        UserError e = assertThrows(UserError.class, () -> RunLock.acquire(run));
        assertTrue(e.getMessage().contains("(something other than a folder is already there (a link to a place that "
                + "does not exist): " + run + ")"), e.getMessage());
    }

    @Test
    void aSecondHolderIsToldWhoHoldsTheFolder(@TempDir Path tmp) {
        try (RunLock held = RunLock.acquire(tmp.resolve("r"))) {
            String message = assertThrows(UserError.class, () -> RunLock.acquire(tmp.resolve("r"))).getMessage();
            assertTrue(message.contains("is in use by another mnist-fcn run (pid " + ProcessHandle.current().pid()), message);
        }
        RunLock.acquire(tmp.resolve("r")).close(); // released: free again
    }
}
