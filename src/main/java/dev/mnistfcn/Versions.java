package dev.mnistfcn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** The software and machine a model was trained with, for {@link ModelProvenance}. */
public final class Versions {
    private Versions() {
    }

    /** mnist-fcn's own version (from pom.xml, through the filtered resource {@code version.properties}). */
    public static String mnistFcn() {
        return property("/dev/mnistfcn/version.properties");
    }

    public static String dl4j() {
        return mavenVersion("org.deeplearning4j", "deeplearning4j-nn");
    }

    /** The JDK module the fused engine's sparse first layer needs; without it the layer is computed densely. */
    public static final String VECTOR_API = "jdk.incubator.vector";

    /**
     * Libraries and runtime: {@code deeplearning4j}, {@code nd4j}, {@code java}, {@link #VECTOR_API} (loaded or not),
     * {@code os}, {@code cpus}.
     */
    public static Map<String, String> all() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("deeplearning4j", dl4j());
        m.put("nd4j", mavenVersion("org.nd4j", "nd4j-api"));
        m.put("java", System.getProperty("java.version"));
        m.put(VECTOR_API, vectorApi());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
        return m;
    }

    /** Whether this JVM has {@link #VECTOR_API}: the CLI's child JVM and the tests add it. */
    public static boolean hasVectorApi() {
        return ModuleLayer.boot().findModule(VECTOR_API).isPresent();
    }

    /** "loaded" or "not loaded": {@link #hasVectorApi} as {@link #all} records it. */
    public static String vectorApi() {
        return hasVectorApi() ? "loaded" : "not loaded";
    }

    /**
     * The CPU's model name from {@code /proc/cpuinfo} (e.g. "AMD EPYC 9R14 96-Core Processor"), else the JVM's
     * {@code os.arch}: float results can differ between CPUs (OpenBLAS picks its kernels by CPU).
     */
    public static String cpu() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            // no /proc (not Linux) or unreadable: the architecture is what there is
        }
        return System.getProperty("os.arch");
    }

    private static String mavenVersion(String group, String artifact) {
        return property("/META-INF/maven/" + group + "/" + artifact + "/pom.properties");
    }

    private static String property(String resource) {
        try (InputStream in = Versions.class.getResourceAsStream(resource)) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
