package dev.mnistfcn.cli;

import dev.mnistfcn.Versions;
import dev.mnistfcn.sweep.ChildJvm;

import java.io.IOException;
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
    /** What the parent's JVM got from these variables is on the child's command line already: not twice. */
    static final List<String> OPTION_VARIABLES = ChildJvm.OPTION_VARIABLES;
    /**
     * JVM options of the child. With the default heap (a quarter of RAM, 6 GB here) G1 lets garbage pile
     * up: two-layer, batch 50 peaked at 1,633 MB RSS; with a 1 GB heap at 1,128 MB, epoch time unchanged
     * (10.6 vs 10.2 s). ND4J's arrays live off-heap, so JavaCPP's physical-memory cap, which defaults to
     * twice the heap, is lifted rather than let it fail a run. The Vector API module lets inference use
     * {@code SparseForward} (10,000 test images in batches of 50: docs/performance.md, "Inference in batches of 50").
     */
    static final List<String> JVM_OPTIONS = ChildJvm.WORKER_OPTIONS; // a sweep's workers train as the CLI does
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
        return withoutUsersOwn(env);
    }

    /** {@code env} less the variables the user has set: their values win. */
    private static Map<String, String> withoutUsersOwn(Map<String, String> env) {
        env.keySet().removeIf(k -> System.getenv(k) != null);
        return env;
    }

    /**
     * {@link #environment()} plus OpenBLAS's idle workers sleeping soon ({@link #BLAS_TIMEOUT}) and, where the kernel
     * hands out transparent huge pages on request ({@link #hugePages}), glibc's {@code malloc} asking for them: ND4J
     * allocates MNIST's 220 MB of floats through it, and with 4 KB pages the first touch of each page (the zero-fill,
     * 54,000 page faults) took much of the read at start-up. Not part of {@link #hasTheSettings}: a JVM started
     * without them runs the same, only slower.
     */
    static Map<String, String> childEnvironment() {
        Map<String, String> env = environment();
        if (hugePages()) env.put("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1");
        if (!"false".equals(System.getProperty("mnistfcn.blas.sleep"))) env.put(BLAS_TIMEOUT, "12");
        return withoutUsersOwn(env);
    }

    /**
     * How many cycles (a power of two) an idle OpenBLAS worker thread waits, spinning, for its next GEMM before it
     * sleeps: 2²⁸ (0.13 s here) by default, 2¹² (2 µs) in the child. Why: between the GEMMs of the layers above the
     * first, the spinning worker shared the second core with the fused engine's own helper thread, which then started
     * its share of layer 0 and of Adam late. {@code -Dmnistfcn.blas.sleep=false} leaves OpenBLAS's default, for A/B
     * runs; the numbers trained are the same either way (docs/performance.md, "OpenBLAS's workers sleep").
     */
    static final String BLAS_TIMEOUT = "OPENBLAS_THREAD_TIMEOUT";

    /**
     * The child JVM's option for transparent huge pages on its heap (the training set's listing for layer 0, 66 MB of
     * Java arrays, and the rest), where the kernel hands them out on request; empty elsewhere. Measured with {@link
     * #childEnvironment}'s, quiet, two-layer child JVM started directly, 3 interleaved rounds: MNIST read and listed
     * 1.60-1.85 s after the JVM's start against 2.93-3.77 without either, epoch 1 over 0.75-2.05 s earlier.
     */
    static List<String> hugePageOptions() {
        return hugePages() ? List.of("-XX:+UseTransparentHugePages") : List.of();
    }

    /**
     * Whether {@code /sys/kernel/mm/transparent_hugepage/enabled} offers huge pages to memory that asks ({@code
     * [madvise]}) or to all ({@code [always]}); {@code -Dmnistfcn.hugepages=false} says no, for A/B runs.
     */
    static boolean hugePages() {
        if ("false".equals(System.getProperty("mnistfcn.hugepages"))) return false;
        try {
            String mode = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
            return mode.contains("[madvise]") || mode.contains("[always]");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether this JVM already runs as the child would, so that a second JVM would only cost its start (issue 29):
     * the native variables set ({@code env}, what is missing, is empty), the Vector API module there, and none of
     * Maven's own JVM options from {@code .mvn/jvm.config} (C1 only, for Maven's short work) in effect. Under
     * {@code mvn exec:java} that is never so; under {@code java -cp ... Main} with the variables set it is.
     */
    static boolean hasTheSettings(Map<String, String> env, List<String> inputArgs, java.util.Properties properties,
                                  boolean vectorModule) {
        List<String> mavens = mavenJvmConfig(properties);
        return env.isEmpty() && vectorModule && inputArgs.stream().noneMatch(mavens::contains)
                && inputArgs.stream().noneMatch(a -> a.matches("-XX:TieredStopAtLevel=[0-3]"));
    }

    /**
     * The options in the project's {@code .mvn/jvm.config}, which Maven's launcher gives Maven's own JVM: they are for
     * Maven (C1 only and the serial collector: measured under load, its part of {@code mvn exec:java} 4.7–5.1 → 2.2–3.1
     * s of CPU, a full compile 16.4 → 6.0–6.3 s), not for the child that trains. Empty outside Maven.
     */
    static List<String> mavenJvmConfig(java.util.Properties properties) {
        String dir = properties.getProperty("maven.multiModuleProjectDirectory");
        if (dir == null) return List.of();
        try {
            return List.of(Files.readString(Path.of(dir, ".mvn", "jvm.config")).trim().split("\\s+"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** Whether this JVM is the tuned child of a relaunch. */
    static boolean isRelaunched() {
        return System.getenv(MARKER) != null;
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
     * run them itself (already tuned, relaunched, turned off, a tool attached, or the child JVM failed to start).
     */
    public static Optional<Integer> relaunchIfNeeded(Class<?> mainClass, String[] args) {
        if (System.getenv(MARKER) != null) {
            // We are the child: if the parent is killed (even by SIGKILL, which it cannot forward), stop too.
            ChildJvm.exitWithParent();
            System.err.println(AttachedChild.STARTED);
            System.err.flush();
            return Optional.empty();
        }
        Map<String, String> env = environment();
        List<String> inputArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        if (System.getenv("MNIST_FCN_NO_RELAUNCH") != null || hasTheSettings(env, inputArgs, System.getProperties(),
                Versions.hasVectorApi())) {
            return Optional.empty();
        }
        // A debugger or profiler attached to this JVM is there to see the program: run it here. (A child could not
        // have it anyway: its port or file belongs to this process.)
        Optional<String> agent = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> ChildJvm.PROCESS_BOUND.matcher(a).matches()).findFirst();
        if (agent.isPresent()) {
            System.err.println("note: running in this JVM, not in a tuned child JVM, because " + agent.get()
                    + " attaches a tool to this one; " + (env.isEmpty() ? "start it with java, not Maven's JVM, and "
                    + String.join(" ", JVM_OPTIONS) + " for the tuned settings." : "for ND4J's tuned threads, start "
                    + "it with " + String.join(" ", env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .toList()) + " in the environment."));
            return Optional.empty();
        }
        String classpath = ChildJvm.classpath();
        if (classpath.isEmpty()) return Optional.empty();
        // The child's classes from a shared archive (ClassArchive): made by the first run, mapped by the others.
        ClassArchive.Plan cds = ClassArchive.plan(classpath, childJvmOptions());
        try {
            return AttachedChild.relaunch(command(mainClass, cds.options(), cds.classpath(), List.of(args)), childEnvironment(),
                    System.err);
        } finally {
            cds.finish();
        }
    }

    /**
     * {@code java <the child's options> extra -cp <ours> mainClass args}, or empty when this JVM cannot tell its
     * classpath.
     */
    static List<String> command(Class<?> mainClass, List<String> extraOptions, List<String> args) {
        String classpath = ChildJvm.classpath();
        return classpath.isEmpty() ? List.of() : command(mainClass, extraOptions, classpath, args);
    }

    private static List<String> command(Class<?> mainClass, List<String> extraOptions, String classpath,
                                        List<String> args) {
        List<String> options = new ArrayList<>(childJvmOptions());
        options.addAll(extraOptions);
        return ChildJvm.command(options, classpath, mainClass.getName(), args);
    }

    /** {@link #childJvmOptions(Map, List)} for this JVM. */
    private static List<String> childJvmOptions() {
        Map<String, String> properties = new HashMap<>();
        for (String key : System.getProperties().stringPropertyNames()) properties.put(key, System.getProperty(key));
        List<String> options = new ArrayList<>(hugePageOptions()); // first: an option of the user's can turn it off
        options.addAll(childJvmOptions(properties, ManagementFactory.getRuntimeMXBean().getInputArguments()));
        return options;
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
        java.util.Properties asProperties = new java.util.Properties();
        asProperties.putAll(properties);
        List<String> mavens = mavenJvmConfig(asProperties);
        named.addAll(propertiesNamedIn(List.of(properties.getOrDefault("sun.java.command", "").split(" "))));
        List<String> options = new ArrayList<>();
        for (String arg : inputArgs) {
            if (arg.startsWith("-D")) continue; // taken from properties below, with their current value
            if (!ChildJvm.PROCESS_BOUND.matcher(arg).matches() && !mavens.contains(arg)) options.add(arg);
        }
        List<String> result = ChildJvm.withoutOurHeap(JVM_OPTIONS, options);
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
}
