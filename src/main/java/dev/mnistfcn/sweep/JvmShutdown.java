package dev.mnistfcn.sweep;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this JVM has begun to shut down (Ctrl+C, SIGTERM to it): a worker or Spark job that ends then was stopped
 * with the sweep, not failed by its trial.
 */
public final class JvmShutdown {
    private static final AtomicBoolean BEGUN = new AtomicBoolean();

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> BEGUN.set(true), "sweep-shutting-down"));
        } catch (IllegalStateException shuttingDown) { // first asked while stopping: a stack trace, where it was
            BEGUN.set(true);
        }
    }

    private JvmShutdown() {
    }

    /**
     * True once the shutdown has begun, waiting up to a second for it: a signal to the whole group reaches the
     * worker (or runs Spark's hook) a moment before this JVM's own hooks start.
     */
    public static boolean begun() {
        try {
            for (int i = 0; i < 100 && !BEGUN.get(); i++) Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return BEGUN.get();
    }
}
