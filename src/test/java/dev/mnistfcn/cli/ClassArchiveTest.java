package dev.mnistfcn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The child JVM's class-data archive: made once, mapped after, made anew when the classpath changes. */
class ClassArchiveTest {
    static final List<String> OPTIONS = List.of("-Xmx1g", "--add-modules", "jdk.incubator.vector", "-Dconfig=a.yaml");

    @TempDir
    Path dir;

    /** A Maven build's layout: target/classes with a class and a resource, and a dependency jar. */
    private String classpath() throws IOException {
        Path classes = dir.resolve("target/classes");
        Files.createDirectories(classes.resolve("dev/x"));
        Files.writeString(classes.resolve("dev/x/A.class"), "not really a class");
        Files.writeString(classes.resolve("MNIST.sha256"), "abc  train-images-idx3-ubyte\n");
        Path lib = dir.resolve("lib.jar");
        if (!Files.exists(lib)) Files.writeString(lib, "a jar");
        return classes + ":" + lib;
    }

    /** What the JVM's -XX:ArchiveClassesAtExit does at exit. */
    private static void dump(ClassArchive.Plan plan) throws IOException {
        Files.writeString(plan.dumping(), "archive");
    }

    /** On a full disk the dump ended the JVM with exit 1 and "Unable to write to shared archive file", every run. */
    @Test
    void withoutRoomForTheArchiveNoneIsDumped() throws IOException {
        String cp = classpath();
        ClassArchive.Plan full = ClassArchive.planFor(cp, OPTIONS, Long.MAX_VALUE);
        assertEquals(List.of(), full.options());
        assertEquals(cp, full.classpath());
    }

    @Test
    void theFirstRunDumpsTheNextMapsTheArchive() throws IOException {
        String cp = classpath();
        ClassArchive.Plan first = ClassArchive.planFor(cp, OPTIONS);
        Path cds = dir.resolve("target").resolve(ClassArchive.FOLDER);
        assertTrue(first.options().get(0).startsWith("-XX:ArchiveClassesAtExit=" + cds), first.options().toString());
        // Java 17 archives jars only: target/classes goes in as a jar of the same files.
        Path jar = Path.of(first.classpath().split(":")[0]);
        assertEquals(cds, jar.getParent());
        assertTrue(first.classpath().endsWith(":" + dir.resolve("lib.jar")));
        try (JarFile j = new JarFile(jar.toFile())) {
            assertTrue(j.getEntry("dev/x/A.class") != null && j.getEntry("MNIST.sha256") != null);
        }
        dump(first);
        first.finish();
        assertTrue(Files.isRegularFile(first.archive()));
        assertFalse(Files.exists(first.dumping()), "the dump was moved into place");

        ClassArchive.Plan second = ClassArchive.planFor(cp, OPTIONS);
        assertEquals("-XX:SharedArchiveFile=" + first.archive(), second.options().get(0));
        assertTrue(second.options().contains("-Xlog:cds=off"), "the JVM's CDS messages stay out of the output");
        assertNull(second.dumping());
        assertEquals(first.classpath(), second.classpath());
        // -D properties differ between runs and do not shape the archive
        assertEquals(second.options(), ClassArchive.planFor(cp, List.of("-Xmx1g", "--add-modules",
                "jdk.incubator.vector", "-Dconfig=b.yaml")).options());
    }

    @Test
    void aRebuiltClassMakesANewArchiveAndRemovesTheOld() throws IOException {
        String cp = classpath();
        ClassArchive.Plan first = archived(cp);
        rebuildA();
        ClassArchive.Plan rebuilt = ClassArchive.planFor(cp, OPTIONS);
        assertNotEquals(first.archive(), rebuilt.archive());
        assertTrue(rebuilt.options().get(0).startsWith("-XX:ArchiveClassesAtExit="), "dumped again");
        assertFalse(Files.exists(first.archive()), "the stale archive is removed");
        assertFalse(Files.exists(Path.of(first.classpath().split(":")[0])), "and its jar");
    }

    @Test
    void aStaleJarAProcessStillRunsWithIsKept() throws Exception {
        String cp = classpath();
        ClassArchive.Plan first = archived(cp);
        String oldJar = first.classpath().split(":")[0];
        // as a sweep started before the rebuild: its next round's workers start with the old jar, named after
        // Maven's jars, past the 4,096 bytes of a command line ProcessHandle reads (a review)
        Process running = new ProcessBuilder("sh", "-c", "sleep 60; :", "m2/".repeat(3000), oldJar).start();
        try {
            rebuildA();
            ClassArchive.planFor(cp, OPTIONS);
            assertTrue(Files.isRegularFile(Path.of(oldJar)), "the jar a live process names is kept");
            assertFalse(Files.exists(first.archive()), "the archive no process names is removed");
        } finally {
            running.destroyForcibly().waitFor();
        }
        Files.writeString(dir.resolve("target/classes/dev/x/B.class"), "another rebuild");
        ClassArchive.planFor(cp, OPTIONS);
        assertFalse(Files.exists(Path.of(oldJar)), "removed once no process runs with it");
    }

    /** The first run's plan, its archive dumped and in place. */
    private ClassArchive.Plan archived(String cp) throws IOException {
        ClassArchive.Plan first = ClassArchive.planFor(cp, OPTIONS);
        dump(first);
        first.finish();
        return first;
    }

    private void rebuildA() throws IOException {
        Path a = dir.resolve("target/classes/dev/x/A.class");
        Files.writeString(a, "rebuilt");
        Files.setLastModifiedTime(a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis() + 5000));
    }

    @Test
    void aChangedDependencyOrModuleOptionMakesANewKey() throws IOException {
        String cp = classpath();
        ClassArchive.Plan first = ClassArchive.planFor(cp, OPTIONS);
        Path lib = dir.resolve("lib.jar");
        Files.writeString(lib, "another version of the jar");
        assertNotEquals(first.archive(), ClassArchive.planFor(cp, OPTIONS).archive());
        assertNotEquals(ClassArchive.planFor(cp, OPTIONS).archive(),
                ClassArchive.planFor(cp, List.of("-Xmx1g")).archive(), "another module set");
        // JIT and heap settings do not shape the archive: runs alternating them share one (bench --variants)
        assertEquals(ClassArchive.planFor(cp, OPTIONS).archive(), ClassArchive.planFor(cp, List.of("-Xmx2g",
                "-XX:TieredStopAtLevel=4", "--add-modules", "jdk.incubator.vector")).archive());
        assertNotEquals(ClassArchive.planFor(cp, OPTIONS).archive(),
                ClassArchive.planFor(cp + ":" + dir.resolve("other.jar"), OPTIONS).archive());
    }

    /** Without an archive where Java 17 could not make one, or where asked not to: the classpath unchanged. */
    @Test
    void otherClasspathsRunWithoutAnArchive() throws IOException {
        String cp = classpath();
        Path tests = dir.resolve("target/test-classes");
        Files.createDirectories(tests);
        Files.writeString(tests.resolve("T.class"), "x");
        String twoDirectories = cp + ":" + tests;
        assertEquals(ClassArchive.Plan.none(twoDirectories), ClassArchive.planFor(twoDirectories, OPTIONS));

        Path loose = dir.resolve("classes");
        Files.createDirectories(loose);
        Files.writeString(loose.resolve("B.class"), "x");
        assertEquals(List.of(), ClassArchive.planFor(loose.toString(), OPTIONS).options(), "not under target/");

        String jarsOnly = dir.resolve("lib.jar").toString();
        assertEquals(ClassArchive.Plan.none(jarsOnly), ClassArchive.planFor(jarsOnly, OPTIONS));

        String before = System.getProperty("mnistfcn.cds");
        System.setProperty("mnistfcn.cds", "false");
        try {
            assertEquals(ClassArchive.Plan.none(cp), ClassArchive.plan(cp, OPTIONS));
        } finally {
            if (before == null) System.clearProperty("mnistfcn.cds");
            else System.setProperty("mnistfcn.cds", before);
        }
    }
}
