package dev.mnistfcn;

import java.util.Optional;

/**
 * The process this JVM stops with, if any: a relaunched child JVM (the tuned JVM the CLI starts, a sweep's worker)
 * halts when the JVM that started it exits, even after a SIGKILL that JVM could not pass on. A run trained here is
 * over as soon as either process is gone, so its progress file names both ({@code storage/RunProgress}): a reader
 * sees a killed run as interrupted at once, not only after this JVM has noticed (the JDK polls a non-child process
 * every 0.3–5 s) and finished halting.
 */
public final class Launcher {
    private static volatile ProcessHandle parent;

    private Launcher() {
    }

    /** Halts this JVM (exit code 137) when {@code launcher} exits, and remembers it as this JVM's launcher. */
    public static void stopWith(ProcessHandle launcher) {
        parent = launcher;
        // Our own look every 100 ms, not launcher.onExit(): for a process that is not its child the JDK sleeps
        // 0.3 s growing to 5 s between looks, so a run killed after some minutes kept its lock for seconds. A launcher
        // that has exited but not yet been collected (a zombie) counts as gone (Processes).
        Thread watch = new Thread(() -> {
            try {
                while (Processes.running(launcher)) Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(137);
        }, "launcher-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /** The process this JVM stops with, when it was started as a child that does. */
    public static Optional<ProcessHandle> parent() {
        return Optional.ofNullable(parent);
    }
}
