package dev.mnistfcn.sweep;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A JVM started from this one with the same classes: a sweep's worker, or the Spark driver with its options. */
public final class ChildJvm {
    /**
     * The options the CLI gives its own JVM (see cli/NativeSettings for the measurements): a 1 GB heap, ND4J's
     * off-heap cap lifted, the Vector API for SparseForward.
     */
    public static final List<String> OPTIONS = List.of("-Xmx1g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0",
            "--add-modules", "jdk.incubator.vector");

    private ChildJvm() {
    }

    /** {@code java OPTIONS extra -cp <ours> mainClass args}. */
    public static List<String> command(List<String> extra, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(OPTIONS);
        cmd.addAll(extra);
        cmd.add("-cp");
        cmd.add(classpath());
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

    /** A child stops when its parent is gone, even after a SIGKILL the parent could not pass on. */
    public static void exitWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(137)));
    }
}
