package dev.mnistfcn.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
                NativeSettings.MARKER));
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
        assertEquals(1, out.split(NativeSettings.INCUBATOR_WARNING, -1).length - 1, "the parent's own, not the child's: " + out);
    }
}
