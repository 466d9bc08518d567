package dev.mnistfcn.sweep;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
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

    /** A worker's heap is sized as the sweep's JVM was: its -Xmx1g overrode the user's -Xmx4g (a review). */
    @Test
    void workersTakeTheHeapSizeTheUserGave() {
        assertEquals(ChildJvm.WORKER_OPTIONS, ChildJvm.workerOptions(List.of("--add-modules", "x", "-Dy=1")));
        assertEquals(List.of("-Dorg.bytedeco.javacpp.maxphysicalbytes=0", "--add-modules", "jdk.incubator.vector",
                "-Xms512m", "-Xmx4g"), ChildJvm.workerOptions(List.of("-Xms512m", "-Dy=1", "-Xmx4g")));
    }

    /** The worker count's memory cap counts the heap workers take: it had assumed 1 GB whatever the user gave. */
    @Test
    void theWorkerCapCountsTheHeapTheUserGave() {
        long gb = 1L << 30;
        assertEquals(LocalEngine.WORKER_BYTES, LocalEngine.workerBytes(List.of("-Dy=1"), 6 * gb));
        assertEquals(LocalEngine.WORKER_BYTES, LocalEngine.workerBytes(List.of("-Xmx512m"), gb / 2));
        assertEquals(12 * gb + LocalEngine.WORKER_BYTES - gb, LocalEngine.workerBytes(List.of("-Xmx12g"), 12 * gb));
    }
}
