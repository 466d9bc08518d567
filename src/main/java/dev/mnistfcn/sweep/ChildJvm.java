package dev.mnistfcn.sweep;

import dev.mnistfcn.Launcher;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A JVM started from this one with the same classes: a sweep's worker. (The CLI's own relaunch, with the options the
 * CLI runs with, is cli/NativeSettings'; it uses the pieces here that are not the workers' alone.)
 */
public final class ChildJvm {
    /**
     * A worker's options: a worker trains one run as the CLI does, so the same reasons hold (cli/NativeSettings
     * has the measurements): a 1 GB heap, ND4J's off-heap cap lifted, the Vector API for SparseForward.
     */
    public static final List<String> WORKER_OPTIONS = List.of("-Xmx1g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0",
            "--add-modules", "jdk.incubator.vector");
    /** Agents (debugger, profilers) listen on a port or write a file that belongs to one process. */
    public static final Pattern PROCESS_BOUND = Pattern.compile("-agentlib:.*|-agentpath:.*|-javaagent:.*|-Xrun.*|-Xdebug|-Xnoagent");
    /** Variables every JVM started from this environment takes options from. */
    public static final List<String> OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private ChildJvm() {
    }

    /** Options that size the heap; with any of them our -Xmx would override theirs, or clash (-Xms2g > -Xmx1g). */
    public static final Pattern HEAP_SIZE = Pattern.compile("-Xm[sx].*|-XX:(Max|Initial|Min)HeapSize=.*|-XX:\\w*RAM\\w*=.*");

    /** {@code java WORKER_OPTIONS extra -cp <ours> mainClass args}, with this JVM's heap size (see below). */
    public static List<String> command(List<String> extra, String mainClass, List<String> args) {
        List<String> options = workerOptions(ManagementFactory.getRuntimeMXBean().getInputArguments());
        options.addAll(extra);
        return command(options, classpath(), mainClass, args);
    }

    /**
     * {@link #WORKER_OPTIONS}, with the heap sized as this JVM's where the user sized it ({@code inputArgs}, this
     * JVM's options, JAVA_TOOL_OPTIONS' included): a worker's -Xmx1g came after the user's -Xmx4g and won, so no
     * sweep trial could have more than 1 GB (a review).
     */
    static List<String> workerOptions(List<String> inputArgs) {
        List<String> heap = inputArgs.stream().filter(o -> HEAP_SIZE.matcher(o).matches()).toList();
        List<String> options = withoutOurHeap(WORKER_OPTIONS, heap);
        options.addAll(heap);
        return options;
    }

    /** Whether any of {@code options} sizes the heap ({@link #HEAP_SIZE}). */
    public static boolean sizesHeap(List<String> options) {
        return options.stream().anyMatch(o -> HEAP_SIZE.matcher(o).matches());
    }

    /**
     * {@code ours} (a child JVM's options), without its -Xmx where {@code theirs} (the user's) size the heap: ours,
     * coming first, would be overridden, or clash (-Xms2g > -Xmx1g). The one place the CLI's relaunch and a sweep's
     * workers decide it.
     */
    public static List<String> withoutOurHeap(List<String> ours, List<String> theirs) {
        boolean sized = sizesHeap(theirs);
        List<String> kept = new ArrayList<>();
        for (String o : ours) if (!(sized && o.startsWith("-Xmx"))) kept.add(o);
        return kept;
    }

    /** {@code java options -cp classpath mainClass args}, with this JVM's own java. */
    public static List<String> command(List<String> options, String classpath, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** The classpath this code runs with: exec:java's class loader, or the JVM's own; empty if neither says. */
    public static String classpath() {
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

    /**
     * {@code env} without the agents in its JVM option variables: a worker given this JVM's debugger or profiler
     * (JAVA_TOOL_OPTIONS=-agentlib:jdwp=...,address=5005) would fail to bind its port and never train. The variables'
     * other options stay.
     */
    public static void withoutAgents(Map<String, String> env) {
        for (String name : OPTION_VARIABLES) {
            String value = env.get(name);
            if (value == null) continue;
            String kept = String.join(" ", java.util.Arrays.stream(value.trim().split("\\s+"))
                    .filter(o -> !PROCESS_BOUND.matcher(o).matches()).toList());
            if (kept.isEmpty()) env.remove(name);
            else env.put(name, kept);
        }
    }

    /** A child stops when its parent is gone, even after a SIGKILL the parent could not pass on. */
    public static void exitWithParent() {
        ProcessHandle.current().parent().ifPresent(Launcher::stopWith);
    }
}
