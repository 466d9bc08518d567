package dev.mnistfcn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The processes tests start, signal and wait for. A killed JVM's own child is an orphan once it halts, and stays a
 * zombie until the init process collects it, which on these machines can take 1–2 s: here, as in {@link Processes},
 * a zombie has ended ({@code ProcessHandle.onExit()} would wait for it).
 */
public final class TestProcesses {
    private TestProcesses() {
    }

    /** Running and not a zombie ({@link Processes#running(long)}). */
    public static boolean alive(long pid) {
        return Processes.running(pid);
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
