package dev.mnistfcn.cli;

import dev.mnistfcn.Timeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tuned child JVM that the CLI's relaunch ({@link NativeSettings}) and a sweep's run in: started on this terminal,
 * its stderr passed on after a handshake line that tells a JVM that failed to start from the program's own exit,
 * stopped with this JVM.
 */
final class AttachedChild {
    private AttachedChild() {
    }

    /**
     * The child's first line on stderr once its main runs: the parent holds back what comes before (the JVM's own
     * messages) and, if the child exits without it, knows the JVM failed to start rather than the user's program.
     */
    static final String STARTED = "[mnist-fcn: tuned JVM started]";
    /** The JVM's own output before the handshake kept for a warning; beyond it, it is passed on as it comes. */
    private static final int HELD_BYTES = 64 << 10;
    /** How long a stopped parent waits for its child to stop (serve's grace for requests in flight, and some). */
    private static final int CHILD_SHUTDOWN_SECONDS = 15;
    /** What the JVM prints first on stderr for that module; said once here rather than on every run. */
    static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";

    /**
     * The child's exit code once it started the program; empty, with a warning on {@code err}, when its JVM could
     * not start (a JVM that cannot be run, or one that exits before our main: an option or agent it refuses).
     */
    static Optional<Integer> relaunch(List<String> cmd, Map<String, String> env, PrintStream err) {
        Child child;
        try {
            child = runAttached(cmd, env);
        } catch (IOException e) {
            err.println("warning: cannot start a tuned child JVM (" + e.getMessage() + "); running in this JVM, untuned.");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(130);
        }
        if (child.started()) return Optional.of(child.exitCode());
        String said = child.before().strip().lines().map(String::strip).filter(l -> !l.isEmpty())
                .reduce((a, b) -> a + " | " + b).orElse("nothing");
        err.println("warning: the tuned child JVM exited (code " + child.exitCode() + ") before mnist-fcn started in "
                + "it; it said: " + (said.length() > 600 ? said.substring(0, 600) + "…" : said) + ". Running in this JVM "
                + "instead, untuned (MNIST_FCN_NO_RELAUNCH=1 skips the child JVM).");
        return Optional.empty();
    }

    /**
     * How a child ended: {@code started} once its main ran (or this JVM is stopping, or its stderr is still open:
     * never run the program twice); {@code before}, what its JVM printed before it, when it did not.
     */
    record Child(boolean started, int exitCode, String before) {
    }

    /**
     * Runs {@code cmd} in a child JVM marked as relaunched, on this terminal (its stderr minus the JVM's incubator
     * notice), without the variables whose options its command line carries ({@link NativeSettings#OPTION_VARIABLES}). Ctrl+C
     * reaches the whole process group; a shutdown hook covers a plain SIGTERM of this JVM and waits for the child's
     * own shutdown (serve answers the requests in flight): the child halts when this JVM exits.
     */
    static Child runAttached(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO().redirectError(ProcessBuilder.Redirect.PIPE);
        pb.environment().keySet().removeAll(NativeSettings.OPTION_VARIABLES);
        pb.environment().putAll(env);
        pb.environment().put(NativeSettings.MARKER, "1");
        pb.environment().put(Timeline.ENV, Timeline.process().mark("relaunch").encode());
        Process child = pb.start();
        Handshake handshake = new Handshake();
        Thread stderr = new Thread(() -> handshake.copy(child.getErrorStream(), System.err));
        stderr.setDaemon(true);
        stderr.start();
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Thread hook = new Thread(() -> {
            stopping.set(true);
            // SIGTERM through the handle: Process.destroy() also closes our end of its stderr, which lost what it
            // said while stopping (train's "Stopped during epoch …").
            child.toHandle().destroy();
            try {
                child.waitFor(CHILD_SHUTDOWN_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
                stderr.join(1000); // that last output copied before this JVM exits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        int code = child.waitFor();
        stderr.join(1000);
        if (!stopping.get()) Runtime.getRuntime().removeShutdownHook(hook);
        boolean failedToStart = handshake.ended && !handshake.started && !stopping.get();
        return new Child(!failedToStart, code, handshake.held.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Copies a child's stderr: up to {@link #STARTED} line by line, holding back the JVM's messages (its incubator
     * notice dropped: this JVM printed its own), then as it comes (progress bars are partial lines).
     */
    static final class Handshake {
        final ByteArrayOutputStream held = new ByteArrayOutputStream();
        volatile boolean started;
        volatile boolean ended;

        void copy(InputStream in, PrintStream out) {
            try {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                for (int b; !started && (b = in.read()) >= 0; ) {
                    line.write(b);
                    if (b != '\n') continue;
                    String text = line.toString(java.nio.charset.StandardCharsets.UTF_8).stripTrailing();
                    if (text.equals(STARTED)) {
                        started = true;
                        held.writeTo(out);
                    } else if (!text.equals(INCUBATOR_WARNING)) {
                        line.writeTo(held);
                        if (held.size() > HELD_BYTES) { // not a JVM failing to start: pass it on
                            held.writeTo(out);
                            held.reset();
                        }
                    }
                    line.reset();
                }
                if (!started) line.writeTo(held);
                out.flush();
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // the child is gone
            } finally {
                ended = true;
            }
        }
    }
}
