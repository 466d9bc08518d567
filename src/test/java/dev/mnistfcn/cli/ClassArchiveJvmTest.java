package dev.mnistfcn.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The archive plan with a real Java 17: the first JVM dumps an archive, the next one maps it. */
@Tag("slow") // starts JVMs (docs/tests.md#test-tiers)
class ClassArchiveJvmTest {
    @TempDir
    Path dir;

    private static String run(ClassArchive.Plan plan, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(NativeSettings.JVM_OPTIONS);
        cmd.addAll(plan.options());
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of("-cp", plan.classpath(), CdsProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.replace(AttachedChild.INCUBATOR_WARNING + "\n", ""); // the CLI's relaunch drops it too
    }

    @Test
    void theSecondJvmMapsTheArchiveTheFirstMade() throws Exception {
        Path classes = dir.resolve("target/classes");
        Path probe = Path.of(CdsProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(CdsProbe.class.getName().replace('.', '/') + ".class");
        Path copy = classes.resolve(CdsProbe.class.getName().replace('.', '/') + ".class");
        Files.createDirectories(copy.getParent());
        Files.copy(probe, copy);

        ClassArchive.Plan first = ClassArchive.planFor(classes.toString(), NativeSettings.JVM_OPTIONS);
        assertEquals("probe ran\n", run(first), "only the program's output: the JVM's CDS messages are off");
        first.finish();
        assertTrue(Files.size(first.archive()) > 0, "the first JVM dumped its classes");

        ClassArchive.Plan second = ClassArchive.planFor(classes.toString(), NativeSettings.JVM_OPTIONS);
        assertTrue(second.options().get(0).startsWith("-XX:SharedArchiveFile="));
        // -Xshare:on fails the JVM unless it maps the archive
        assertEquals("probe ran\n", run(second, "-Xshare:on"));
    }
}
