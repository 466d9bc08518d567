package dev.mnistfcn.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("slow") // relaunching JVMs (docs/tests.md#test-tiers)
class NativeSettingsTest {

    /** Started as {@code java -Xmx2g -Dfoo=bar ... Main}: the options and -D arrive as JVM input arguments. */
    @Test
    void plainJavaForwardsOptionsAndPropertiesAfterTheDefaults() {
        Map<String, String> props = new HashMap<>(Map.of(
                "mnistfcn.sparse", "false",
                "logback.configurationFile", "/etc/lb.xml",
                "java.io.tmpdir", "/scratch",
                "java.version", "17.0.15",
                "os.name", "Linux",
                "user.dir", "/work",
                "java.class.path", "target/classes",
                "sun.java.command", "dev.mnistfcn.cli.Main train -c x.yaml"));
        List<String> inputArgs = List.of("-Xmx2g", "-Dmnistfcn.sparse=false", "-Djava.io.tmpdir=/scratch",
                "-XX:+UseSerialGC", "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "-javaagent:/x/agent.jar", "-Xdebug");

        assertEquals(List.of("-Dorg.bytedeco.javacpp.maxphysicalbytes=0", "--add-modules", "jdk.incubator.vector",
                        "-Xmx2g", "-XX:+UseSerialGC", "--add-opens=java.base/java.lang=ALL-UNNAMED",
                        "-Djava.io.tmpdir=/scratch", "-Dlogback.configurationFile=/etc/lb.xml", "-Dmnistfcn.sparse=false"),
                NativeSettings.childJvmOptions(props, inputArgs));
    }

    /** Under {@code mvn exec:java}: Maven's -D are System properties, its launcher's are input arguments. */
    @Test
    void underMavenForwardsTheUsersPropertiesButNotMavensOwn() {
        Map<String, String> props = new HashMap<>();
        props.put("classworlds.conf", "/usr/share/maven/bin/m2.conf");
        props.put("maven.home", "/usr/share/maven");
        props.put("maven.conf", "/usr/share/maven/conf");
        props.put("maven.multiModuleProjectDirectory", "/work/wt");
        props.put("library.jansi.path", "/usr/share/maven/lib/jansi-native");
        props.put("jansi.mode", "strip");
        props.put("guice.disable.misplaced.annotation.check", "true");
        props.put("org.slf4j.simpleLogger.defaultLogLevel", "error");
        props.put("exec.mainClass", "dev.mnistfcn.cli.Main");
        props.put("javacpp.platform", "linux-x86_64"); // .mvn/maven.config
        props.put("quick", "true");
        props.put("mnistfcn.sparse", "false");
        props.put("java.io.tmpdir", "/scratch dir");
        props.put("file.encoding", "UTF-8");
        props.put("sun.java.command", "org.codehaus.plexus.classworlds.launcher.Launcher -q compile exec:java"
                + " -Dquick=true -Dmnistfcn.sparse=false -D java.io.tmpdir=/scratch dir -Dexec.mainClass=x");
        List<String> inputArgs = List.of("-Xmx700m", "-Dclassworlds.conf=/usr/share/maven/bin/m2.conf",
                "-Dmaven.home=/usr/share/maven", "-Dlibrary.jansi.path=/usr/share/maven/lib/jansi-native",
                "-Dmaven.multiModuleProjectDirectory=/work/wt");

        List<String> options = NativeSettings.childJvmOptions(props, inputArgs);
        assertEquals(List.of("-Dorg.bytedeco.javacpp.maxphysicalbytes=0", "--add-modules", "jdk.incubator.vector",
                "-Xmx700m", "-Djava.io.tmpdir=/scratch dir", "-Djavacpp.platform=linux-x86_64",
                "-Dmnistfcn.sparse=false", "-Dquick=true"), options);
    }

    @Test
    void defaultHeapCapGivesWayToAnyHeapSizingOfTheUser() {
        for (String sizing : List.of("-Xms2g", "-XX:MaxRAMPercentage=50", "-XX:InitialHeapSize=2147483648")) {
            List<String> options = NativeSettings.childJvmOptions(Map.of(), List.of(sizing));
            assertFalse(options.contains("-Xmx1g"), sizing + ": " + options);
            assertTrue(options.contains(sizing), options::toString);
        }
        assertEquals("-Xmx1g", NativeSettings.childJvmOptions(Map.of(), List.of("-XX:+UseSerialGC")).get(0));
    }

    @Test
    void jmxPortAndLauncherPropertiesStayWithTheParent() {
        Map<String, String> props = Map.of("com.sun.management.jmxremote.port", "9010",
                "jdk.module.main", "app", "java.class.path", "a.jar", "sun.java.launcher", "SUN_STANDARD", "seed", "7");
        List<String> inputArgs = List.of("-Dcom.sun.management.jmxremote.port=9010", "-Djdk.module.main=app",
                "-Djava.class.path=a.jar", "-Dseed=7");
        List<String> options = NativeSettings.childJvmOptions(props, inputArgs);
        assertEquals(List.of("-Xmx1g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0", "--add-modules",
                "jdk.incubator.vector", "-Dseed=7"), options);
    }

    /**
     * A real parent JVM, started without the OpenMP variables so it relaunches, gives its child every JVM
     * option and system property it was given: as JVM options (plain java) and as properties set while
     * running (how mvn exec:java passes -D).
     */
    @Test
    void realChildJvmGetsTheUsersOptionsAndProperties(@TempDir Path tmp) throws Exception {
        String tmpdir = tmp.resolve("tmp").toString();
        String logback = tmp.resolve("logback.xml").toString();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx777m",
                "-Dmnistfcn.sparse=false", "-Dlogback.configurationFile=" + logback, "-Djava.io.tmpdir=" + tmpdir,
                "-Dmaven.home=/nowhere", "-Dclassworlds.conf=/nowhere/m2.conf",
                "-cp", System.getProperty("java.class.path"), RelaunchProbe.class.getName(),
                // set by the probe before relaunching, as Maven sets those of mvn's command line:
                "-Dquick=true", "-Duser.language=fr", "-Dexec.args=nothing"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeAll(List.of("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "MNIST_FCN_NO_RELAUNCH",
                NativeSettings.MARKER, "GLIBC_TUNABLES", NativeSettings.BLAS_TIMEOUT));
        Process parent = pb.start();
        String out = new String(parent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(parent.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, parent.exitValue(), out);

        Map<String, String> child = new HashMap<>();
        out.lines().filter(l -> l.contains("=")).forEach(l -> {
            String[] kv = l.split("=", 2);
            child.put(kv[0], kv[1]);
        });
        assertEquals("1", child.get("marker"), "ran in the child: " + out);
        assertEquals("false", child.get("property.mnistfcn.sparse"), out);
        assertEquals(logback, child.get("property.logback.configurationFile"), out);
        assertEquals(tmpdir, child.get("property.java.io.tmpdir"), out);
        assertEquals("true", child.get("property.quick"), out);
        assertEquals("fr", child.get("property.user.language"), out);
        assertNull(child.get("property.maven.home"), out);
        assertNull(child.get("property.classworlds.conf"), out);
        assertNull(child.get("property.exec.args"), out);
        long max = Long.parseLong(child.get("maxMemory"));
        // G1 rounds the heap up to whole regions (778 MiB here); the default would be 1024.
        assertTrue(max > 700L << 20 && max < 800L << 20, "the user's -Xmx777m beats the default 1g: " + max);
        assertTrue(child.get("inputArgs").contains("-Xmx777m"), out);
        // Huge pages where the kernel offers them, for the heap and for malloc (ND4J's arrays); nothing elsewhere.
        boolean offered = NativeSettings.hugePages();
        assertEquals(offered, child.get("inputArgs").contains("-XX:+UseTransparentHugePages"), out);
        assertEquals(offered ? "glibc.malloc.hugetlb=1" : "null", child.get("glibcTunables"), out);
        assertEquals("12", child.get("blasTimeout"), "OpenBLAS's idle workers sleep soon: " + out);
        assertEquals(1, out.split(AttachedChild.INCUBATOR_WARNING, -1).length - 1, "the parent's own, not the child's: " + out);
    }

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** A parent as a user starts it from a plain shell (so it relaunches), with {@code env} added; its output. */
    private static String parent(Map<String, String> env, int expectedCode, String... probeArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-cp", System.getProperty("java.class.path"),
                RelaunchProbe.class.getName()));
        cmd.addAll(List.of(probeArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeAll(List.of("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "MNIST_FCN_NO_RELAUNCH",
                NativeSettings.MARKER, "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
        pb.environment().putAll(env);
        Process parent = pb.start();
        String out = new String(parent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(parent.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(expectedCode, parent.exitValue(), out);
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** JAVA_TOOL_OPTIONS reach the child once, on its command line, not again through the inherited variable. */
    @Test
    void optionsFromTheEnvironmentAreAppliedOnce() throws Exception {
        String out = parent(Map.of("JAVA_TOOL_OPTIONS", "-Dtool.option=7 -Xss2m"), 0);
        assertTrue(out.contains("marker=1"), "ran in the child: " + out);
        assertEquals(1, out.split("Picked up JAVA_TOOL_OPTIONS", -1).length - 1, "announced by the parent only: " + out);
        String inputArgs = out.lines().filter(l -> l.startsWith("inputArgs=")).findFirst().orElseThrow();
        assertEquals(1, inputArgs.split("-Xss2m", -1).length - 1, inputArgs);
        assertEquals(1, inputArgs.split("-Dtool.option=7", -1).length - 1, inputArgs);
        assertFalse(out.contains(AttachedChild.STARTED), "the handshake line is the parent's alone: " + out);
    }

    /**
     * The case: a debugger agent in JAVA_TOOL_OPTIONS on a fixed port. The child could not bind it and the run
     * ended; now the program runs in the JVM the debugger is attached to, with a note on how to tune it.
     */
    @Test
    void aDebuggerAgentKeepsTheProgramInTheJvmItIsAttachedTo() throws Exception {
        String agent = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:" + freePort();
        String out = parent(Map.of("JAVA_TOOL_OPTIONS", agent), 0);
        assertTrue(out.contains("marker=null"), "ran in the parent: " + out);
        assertTrue(out.contains("note: running in this JVM, not in a tuned child JVM, because " + agent
                + " attaches a tool to this one; for ND4J's tuned threads, start it with OMP_NUM_THREADS=1 "
                + "OMP_WAIT_POLICY=PASSIVE"), out);
    }

    /**
     * A child JVM that exits before our main ran (here: its debugger agent finds its port taken) is not the user's
     * program failing: the parent warns, with what the JVM said, and runs the program itself.
     */
    @Test
    void aChildJvmThatCannotStartFallsBackToThisJvm() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<String> cmd = List.of(JAVA, "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:"
                    + taken.getLocalPort(), "-cp", System.getProperty("java.class.path"), RelaunchProbe.class.getName());
            var err = new ByteArrayOutputStream();
            assertEquals(Optional.empty(), AttachedChild.relaunch(cmd, Map.of(), new PrintStream(err)));
            String warning = err.toString();
            assertTrue(warning.startsWith("warning: the tuned child JVM exited (code "), warning);
            assertTrue(warning.contains("transport error 202") && warning.contains("Running in this JVM instead, untuned"),
                    warning);
            assertEquals(1, warning.lines().count(), warning);
        }
        // The user's program failing after it started is its exit code, not a reason to run it again.
        List<String> failing = List.of(JAVA, "-cp", System.getProperty("java.class.path"), RelaunchProbe.class.getName(),
                "-Dprobe.exit=3");
        var err = new ByteArrayOutputStream();
        assertEquals(Optional.of(3), AttachedChild.relaunch(failing, Map.of(), new PrintStream(err)));
        assertEquals("", err.toString());
        // A command that cannot run at all.
        assertEquals(Optional.empty(), AttachedChild.relaunch(List.of("/nonexistent/java"), Map.of(), new PrintStream(err)));
        assertTrue(err.toString().startsWith("warning: cannot start a tuned child JVM"), err.toString());
    }
}
