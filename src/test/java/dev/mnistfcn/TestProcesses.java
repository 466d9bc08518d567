package dev.mnistfcn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whether a process the tests killed has ended. A killed JVM's own child is an orphan once it halts, and an orphan
 * stays a zombie until the init process collects it: this machine's init does so 1–2 s later, and
 * {@link ProcessHandle#isAlive()} and {@code onExit()} count a zombie as running. A zombie holds nothing (its locks,
 * files and memory are released), so here it counts as ended.
 */
public final class TestProcesses {
    private TestProcesses() {
    }

    /** Running and not a zombie (Linux's {@code /proc/PID/stat}). */
    public static boolean alive(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return false;
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code pid} has ended; fails after {@code atMost}. */
    public static void awaitEnded(long pid, Duration atMost, String what) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (alive(pid)) {
            assertTrue(System.nanoTime() < deadline, what + " (" + pid + ") still runs after " + atMost.toSeconds() + " s");
            Thread.sleep(20);
        }
    }
}
