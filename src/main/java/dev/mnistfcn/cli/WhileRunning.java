package dev.mnistfcn.cli;

import java.util.concurrent.Callable;

/**
 * A command's work with a shutdown hook for as long as it runs: what Ctrl+C or a SIGTERM should still do or say
 * then (train's "Stopped during epoch …", the sweep's wait for its line). Gone once the work ends.
 */
final class WhileRunning {
    private WhileRunning() {
    }

    /** {@code work}'s result, with {@code onStop} run by this JVM's shutdown if it begins meanwhile. */
    static <T> T withShutdownHook(Thread onStop, Callable<T> work) throws Exception {
        Runtime.getRuntime().addShutdownHook(onStop);
        try {
            return work.call();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onStop);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs, or has run
            }
        }
    }
}
