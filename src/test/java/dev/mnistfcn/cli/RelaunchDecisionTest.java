package dev.mnistfcn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 29: no second JVM where this one already runs as the child would; Maven's own options stay with Maven. */
class RelaunchDecisionTest {
    static final Map<String, String> SET = Map.of();
    static final Map<String, String> UNSET = Map.of("OMP_NUM_THREADS", "1", "OMP_WAIT_POLICY", "PASSIVE");

    @TempDir
    Path project;

    private Properties underMaven() throws IOException {
        Files.createDirectories(project.resolve(".mvn"));
        Files.writeString(project.resolve(".mvn/jvm.config"), "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC\n");
        Properties p = new Properties();
        p.setProperty("maven.multiModuleProjectDirectory", project.toString());
        return p;
    }

    @Test
    void aJvmWithTheVariablesAndTheVectorModuleRunsTheProgramItself() {
        List<String> args = List.of("-Xmx1g", "--add-modules=jdk.incubator.vector");
        assertTrue(NativeSettings.hasTheSettings(SET, args, new Properties(), true));
        assertFalse(NativeSettings.hasTheSettings(UNSET, args, new Properties(), true), "OpenMP's variables missing");
        assertFalse(NativeSettings.hasTheSettings(SET, List.of(), new Properties(), false), "no Vector API");
        assertFalse(NativeSettings.hasTheSettings(SET, List.of("-XX:TieredStopAtLevel=1"), new Properties(), true),
                "a JIT held to C1 would train several times slower");
    }

    /** Maven's JVM runs C1 only (.mvn/jvm.config): the program always moves to a child, even with the variables set. */
    @Test
    void mavensJvmNeverKeepsTheProgram() throws IOException {
        Properties maven = underMaven();
        List<String> mavensArgs = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dmaven.multiModuleProjectDirectory=" + project);
        assertFalse(NativeSettings.hasTheSettings(SET, mavensArgs, maven, true));
        assertEquals(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), NativeSettings.mavenJvmConfig(maven));
        assertEquals(List.of(), NativeSettings.mavenJvmConfig(new Properties()), "outside Maven: none");
    }

    @Test
    void theChildGetsTheUsersOptionsButNotMavensJvmConfig() throws IOException {
        Map<String, String> props = new HashMap<>();
        underMaven().forEach((k, v) -> props.put((String) k, (String) v));
        props.put("config", "two-layer.yaml");
        List<String> opts = NativeSettings.childJvmOptions(props, List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xss4m"));
        assertFalse(opts.contains("-XX:TieredStopAtLevel=1"), opts.toString());
        assertFalse(opts.contains("-XX:+UseSerialGC"), opts.toString());
        assertTrue(opts.contains("-Xss4m") && opts.contains("-Dconfig=two-layer.yaml"), "the user's own stay: " + opts);
        assertTrue(opts.containsAll(NativeSettings.JVM_OPTIONS), "and the tuned settings: " + opts);
    }
}
