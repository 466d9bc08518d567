package dev.mnistfcn.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gives ND4J's native code good thread settings without the user exporting anything.
 *
 * <p>OpenMP reads {@code OMP_NUM_THREADS} and {@code OMP_WAIT_POLICY} once, from the environment, when
 * the native library loads; a running JVM cannot change its own environment. So when they are unset,
 * the JVM re-runs this program once in a child JVM with them set (same classpath, same mnist-fcn
 * system properties, same terminal). Measured on this 2-core machine, two-layer, batch 50: 11.6 s
 * for 20,000 images with the defaults (2 spinning OpenMP workers starve the Java thread), 6.4 s with
 * the thread counts set at run time through ND4J's API, 4.6 s with the environment below.
 * Variables the user has set are kept as they are; {@code MNIST_FCN_NO_RELAUNCH=1} turns this off.
 */
public final class NativeSettings {
    static final String MARKER = "MNIST_FCN_RELAUNCHED";
    /**
     * JVM options of the child. With the default heap (a quarter of RAM, 6 GB here) G1 lets garbage pile
     * up: two-layer, batch 50 peaked at 1,633 MB RSS; with a 1 GB heap at 1,128 MB, epoch time unchanged
     * (10.6 vs 10.2 s). ND4J's arrays live off-heap, so JavaCPP's physical-memory cap, which defaults to
     * twice the heap, is lifted rather than let it fail a run. The Vector API module lets inference use
     * {@code SparseForward} (10,000 test images in batches of 50: see README, Performance).
     */
    static final List<String> JVM_OPTIONS = List.of("-Xmx1g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0",
            "--add-modules", "jdk.incubator.vector");
    /** What the JVM prints first on stderr for that module; said once here rather than on every run. */
    static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";

    private NativeSettings() {
    }

    /** The environment ND4J should start with; the user's own values win. */
    public static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OMP_NUM_THREADS", "1");
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        env.keySet().removeIf(k -> System.getenv(k) != null);
        return env;
    }

    /**
     * Runs {@code args} in a tuned child JVM and returns its exit code, or empty when this JVM should
     * run them itself (already tuned, relaunched, or turned off).
     */
    public static Optional<Integer> relaunchIfNeeded(String[] args, List<String> propertyPrefixes) {
        if (System.getenv(MARKER) != null) {
            // We are the child: if the parent is killed (even by SIGKILL, which it cannot forward), stop too.
            ProcessHandle.current().parent().ifPresent(parent ->
                    parent.onExit().thenRun(() -> Runtime.getRuntime().halt(137)));
            return Optional.empty();
        }
        Map<String, String> env = environment();
        if (env.isEmpty() || System.getenv("MNIST_FCN_NO_RELAUNCH") != null) {
            return Optional.empty();
        }
        String classpath = classpath();
        if (classpath.isEmpty()) return Optional.empty();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_OPTIONS);
        for (String key : System.getProperties().stringPropertyNames()) {
            for (String prefix : propertyPrefixes) {
                if (key.equals(prefix) || key.startsWith(prefix + ".")) {
                    cmd.add("-D" + key + "=" + System.getProperty(key));
                    break;
                }
            }
        }
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO().redirectError(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(env);
        pb.environment().put(MARKER, "1");
        try {
            Process child = pb.start();
            Thread stderr = new Thread(() -> copyWithoutIncubatorWarning(child.getErrorStream(), System.err));
            stderr.setDaemon(true);
            stderr.start();
            // Ctrl+C reaches the whole process group; this hook covers a plain SIGTERM of the parent.
            Thread hook = new Thread(child::destroy);
            Runtime.getRuntime().addShutdownHook(hook);
            int code = child.waitFor();
            stderr.join(1000);
            Runtime.getRuntime().removeShutdownHook(hook);
            return Optional.of(code);
        } catch (IOException e) {
            return Optional.empty(); // cannot start a JVM: run here, untuned
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(130);
        }
    }

    /**
     * Copies the child's stderr as it comes (progress bars are partial lines), minus the JVM's incubator notice
     * if that is its first line.
     */
    static void copyWithoutIncubatorWarning(InputStream in, PrintStream out) {
        try {
            // Holds back only what so far matches the start of the notice.
            byte[] notice = (INCUBATOR_WARNING + System.lineSeparator()).getBytes();
            int matched = 0;
            int b = 0;
            while (matched < notice.length && (b = in.read()) == (notice[matched] & 0xff)) matched++;
            if (matched < notice.length) {
                out.write(notice, 0, matched);
                if (b >= 0) out.write(b);
                out.flush();
            }
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // the child is gone
        }
    }

    /** The classpath this code runs with: exec:java's class loader, or the JVM's own. */
    private static String classpath() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl instanceof URLClassLoader ucl && ucl.getURLs().length > 0) {
            List<String> parts = new ArrayList<>();
            for (URL u : ucl.getURLs()) {
                try {
                    parts.add(new File(u.toURI()).getPath());
                } catch (Exception e) {
                    return "";
                }
            }
            return String.join(File.pathSeparator, parts);
        }
        return System.getProperty("java.class.path", "");
    }
}
