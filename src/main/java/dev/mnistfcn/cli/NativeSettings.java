package dev.mnistfcn.cli;

import dev.mnistfcn.sweep.ChildJvm;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Gives ND4J's native code good thread settings without the user exporting anything.
 *
 * <p>OpenMP reads {@code OMP_NUM_THREADS} and {@code OMP_WAIT_POLICY} once, from the environment, when
 * the native library loads; a running JVM cannot change its own environment. So when they are unset,
 * the JVM re-runs this program once in a child JVM with them set (same classpath, same JVM options and
 * system properties, same terminal). Measured on this 2-core machine, two-layer, batch 50: 11.6 s
 * for 20,000 images with the defaults (2 spinning OpenMP workers starve the Java thread), 6.4 s with
 * the thread counts set at run time through ND4J's API, 4.6 s with the environment below.
 * Variables the user has set are kept as they are; {@code MNIST_FCN_NO_RELAUNCH=1} turns this off.
 */
public final class NativeSettings {
    static final String MARKER = "MNIST_FCN_RELAUNCHED";
    /** How long a stopped parent waits for its child to stop (serve's grace for requests in flight, and some). */
    private static final int CHILD_SHUTDOWN_SECONDS = 15;
    /**
     * JVM options of the child. With the default heap (a quarter of RAM, 6 GB here) G1 lets garbage pile
     * up: two-layer, batch 50 peaked at 1,633 MB RSS; with a 1 GB heap at 1,128 MB, epoch time unchanged
     * (10.6 vs 10.2 s). ND4J's arrays live off-heap, so JavaCPP's physical-memory cap, which defaults to
     * twice the heap, is lifted rather than let it fail a run. The Vector API module lets inference use
     * {@code SparseForward} (10,000 test images in batches of 50: see README, Performance).
     */
    static final List<String> JVM_OPTIONS = ChildJvm.OPTIONS;
    /** What the JVM prints first on stderr for that module; said once here rather than on every run. */
    static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";

    /** Properties every JVM sets itself: a child gets its own values, unless the user named them. */
    private static final List<String> JVM_PROPERTIES = List.of("java.", "jdk.", "sun.", "os.", "user.", "file.",
            "path.separator", "line.separator", "native.encoding", "stdout.encoding", "stderr.encoding", "awt.toolkit");
    /**
     * Never forwarded: what the launcher derives from the child's own command line, Maven's settings (mvn's
     * script, its CLI and its plugins' -D) and JMX's port, which the parent already holds.
     */
    private static final List<String> NOT_FORWARDED = List.of("java.class.path", "jdk.module.", "sun.java.command",
            "sun.java.launcher", "maven.", "classworlds.", "library.jansi.", "jansi.", "guice.",
            "org.slf4j.simpleLogger.", "exec.", "com.sun.management.jmxremote");
    /** Agents (debugger, profilers) listen on a port or write a file that belongs to one process. */
    private static final Pattern PROCESS_BOUND = Pattern.compile("-agentlib:.*|-agentpath:.*|-javaagent:.*|-Xrun.*|-Xdebug|-Xnoagent");
    /** Options that size the heap; with any of them our -Xmx would override theirs, or clash (-Xms2g > -Xmx1g). */
    private static final Pattern HEAP_SIZE = Pattern.compile("-Xm[sx].*|-XX:(Max|Initial|Min)HeapSize=.*|-XX:\\w*RAM\\w*=.*");

    private NativeSettings() {
    }

    /**
     * The environment ND4J should start with; the user's own values win. On CPUs with AVX-512 it names OpenBLAS's
     * SkylakeX kernels: the bundled OpenBLAS 0.3.19 does not recognise newer CPUs and falls back to generic kernels.
     * Measured on the 2-core AMD EPYC (family 26) with AVX-512, a 128×1024×1024 SGEMM, one / two threads: generic
     * (variable unset) 40 / 72 GFLOP/s, Haswell 82 / 136, SkylakeX 137 / 206. Never set without AVX-512, where
     * those kernels would crash.
     */
    public static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OMP_NUM_THREADS", "1");
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        if (hasAvx512()) env.put("OPENBLAS_CORETYPE", "SkylakeX");
        env.keySet().removeIf(k -> System.getenv(k) != null);
        return env;
    }

    /** Whether /proc/cpuinfo lists {@code avx512f} (false where there is no such file). */
    static boolean hasAvx512() {
        try {
            return Files.readString(Path.of("/proc/cpuinfo")).contains(" avx512f");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Runs {@code args} in a tuned child JVM and returns its exit code, or empty when this JVM should
     * run them itself (already tuned, relaunched, or turned off).
     */
    public static Optional<Integer> relaunchIfNeeded(Class<?> mainClass, String[] args) {
        if (System.getenv(MARKER) != null) {
            // We are the child: if the parent is killed (even by SIGKILL, which it cannot forward), stop too.
            ChildJvm.exitWithParent();
            return Optional.empty();
        }
        Map<String, String> env = environment();
        if (env.isEmpty() || System.getenv("MNIST_FCN_NO_RELAUNCH") != null) {
            return Optional.empty();
        }
        String classpath = ChildJvm.classpath();
        if (classpath.isEmpty()) return Optional.empty();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Map<String, String> properties = new HashMap<>();
        for (String key : System.getProperties().stringPropertyNames()) properties.put(key, System.getProperty(key));
        cmd.addAll(childJvmOptions(properties, ManagementFactory.getRuntimeMXBean().getInputArguments()));
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        try {
            return Optional.of(runAttached(cmd, env));
        } catch (IOException e) {
            return Optional.empty(); // cannot start a JVM: run here, untuned
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(130);
        }
    }

    /**
     * Runs {@code cmd} in a child JVM marked as relaunched, on this terminal (its stderr minus the JVM's incubator
     * notice), and returns its exit code. Ctrl+C reaches the whole process group; a shutdown hook covers a plain
     * SIGTERM of this JVM and waits for the child's own shutdown (serve answers the requests in flight): the child
     * halts when this JVM exits.
     */
    static int runAttached(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO().redirectError(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(env);
        pb.environment().put(MARKER, "1");
        Process child = pb.start();
        Thread stderr = new Thread(() -> copyWithoutIncubatorWarning(child.getErrorStream(), System.err));
        stderr.setDaemon(true);
        stderr.start();
        Thread hook = new Thread(() -> {
            child.destroy();
            try {
                child.waitFor(CHILD_SHUTDOWN_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        int code = child.waitFor();
        stderr.join(1000);
        Runtime.getRuntime().removeShutdownHook(hook);
        return code;
    }

    /**
     * The child's JVM options: {@link #JVM_OPTIONS}, then the user's, so theirs win (the last {@code -D} or
     * {@code -Xmx} counts). Properties go by their current value rather than from the JVM's options because
     * {@code mvn exec:java -Dx=y} sets them in Maven's running JVM. All go but the JVM's own ({@code java.*},
     * {@code os.*}, ...), which a fresh JVM sets itself, unless the user named them with {@code -D}: among
     * the JVM's options, or on the command line ({@code sun.java.command}: mvn's arguments under Maven).
     *
     * @param properties this JVM's system properties
     * @param inputArgs  this JVM's options ({@code RuntimeMXBean.getInputArguments()})
     */
    static List<String> childJvmOptions(Map<String, String> properties, List<String> inputArgs) {
        Set<String> named = propertiesNamedIn(inputArgs);
        named.addAll(propertiesNamedIn(List.of(properties.getOrDefault("sun.java.command", "").split(" "))));
        List<String> options = new ArrayList<>();
        for (String arg : inputArgs) {
            if (arg.startsWith("-D")) continue; // taken from properties below, with their current value
            if (!PROCESS_BOUND.matcher(arg).matches()) options.add(arg);
        }
        boolean userSizesHeap = options.stream().anyMatch(o -> HEAP_SIZE.matcher(o).matches());
        List<String> result = new ArrayList<>();
        for (String o : JVM_OPTIONS) {
            if (!(userSizesHeap && o.startsWith("-Xmx"))) result.add(o);
        }
        result.addAll(options);
        new TreeMap<>(properties).forEach((key, value) -> {
            if (!startsWithAny(key, NOT_FORWARDED) && (named.contains(key) || !startsWithAny(key, JVM_PROPERTIES))) {
                result.add("-D" + key + "=" + value);
            }
        });
        return result;
    }

    /** Names given as {@code -Dname=value} or {@code -D name=value} (Maven takes both) in {@code args}. */
    private static Set<String> propertiesNamedIn(List<String> args) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-D") && i + 1 < args.size()) a = "-D" + args.get(++i);
            if (a.length() > 2 && a.startsWith("-D")) names.add(a.substring(2).split("=", 2)[0]);
        }
        return names;
    }

    private static boolean startsWithAny(String key, List<String> prefixes) {
        return prefixes.stream().anyMatch(key::startsWith);
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
}
