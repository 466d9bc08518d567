package dev.mnistfcn.sweep;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChildJvmTest {
    /** A worker inherits the user's JVM option variables, minus the agents whose port or file is this JVM's. */
    @Test
    void workersGetTheUsersOptionsButNotTheirAgents() {
        Map<String, String> env = new HashMap<>(Map.of(
                "JAVA_TOOL_OPTIONS", " -agentlib:jdwp=transport=dt_socket,server=y,address=5005  -Xss2m -Dx=1",
                "JDK_JAVA_OPTIONS", "-javaagent:/opt/profiler.jar",
                "_JAVA_OPTIONS", "-XX:+UseSerialGC",
                "PATH", "/usr/bin"));
        ChildJvm.withoutAgents(env);
        assertEquals(Map.of("JAVA_TOOL_OPTIONS", "-Xss2m -Dx=1", "_JAVA_OPTIONS", "-XX:+UseSerialGC", "PATH", "/usr/bin"), env);
    }
}
