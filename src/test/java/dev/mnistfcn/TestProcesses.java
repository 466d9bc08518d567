package dev.mnistfcn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The processes tests start, signal and wait for. A killed JVM's own child is an orphan once it halts, and an orphan
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

    /** Sends {@code signal} ("INT", "TERM") to each of {@code processes}, as {@code kill -SIGNAL} does. */
    public static void signal(String signal, java.util.List<ProcessHandle> processes) throws IOException,
            InterruptedException {
        for (ProcessHandle p : processes) new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
    }

    /** {@code p} and the processes it started: what Ctrl+C on a terminal reaches. */
    public static java.util.List<ProcessHandle> withDescendants(Process p) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(p.toHandle()), p.descendants()).toList();
    }

    /** All {@code p} writes on stderr, read as it comes (so that a full pipe never stops it). */
    public static java.util.concurrent.CompletableFuture<String> errorOutput(Process p) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> new Thread(r, "stderr-of-" + p.pid()).start());
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
