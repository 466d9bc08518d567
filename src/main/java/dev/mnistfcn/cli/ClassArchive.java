package dev.mnistfcn.cli;

import dev.mnistfcn.ModelProvenance;
import dev.mnistfcn.storage.AtomicFiles;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Class-data sharing (AppCDS) for the tuned child JVM: the classes a run loads (DL4J, ND4J, Jackson, picocli, ours;
 * about 6,000) are parsed, verified and laid out once into {@code target/cds/KEY.jsa} by the first run
 * ({@code -XX:ArchiveClassesAtExit}) and mapped by every later one ({@code -XX:SharedArchiveFile}). Measured on the
 * 2-core AMD EPYC, under load, {@code train --quick} in a JVM with / without the archive, 3 interleaved pairs: 6.3–6.5 /
 * 7.2–7.9 s user CPU, 1.2–1.5 / 1.1–2.4 s system (docs/performance.md, "The whole command").
 *
 * <p>Java 17 archives classes from jars only ("Cannot have non-empty directory in paths"), so {@code target/classes}
 * goes into the child's classpath as {@code target/cds/KEY.jar}. KEY is a hash of the Java build, the child's
 * module options and every classpath entry with its size and modification time (each class file's for
 * a directory): any rebuild, dependency change or other JDK gives a new key, a new jar and a new archive, and the
 * old files are removed once no process runs with them. A classpath with another directory on it, or none under a
 * {@code target/} folder, runs without an archive. {@code -Dmnistfcn.cds=false} turns it off (for A/B runs).
 */
final class ClassArchive {
    /** The folder under {@code target/} that holds the jar and the archive. */
    static final String FOLDER = "cds";

    /**
     * What the child runs with: extra JVM options, its classpath, and where a first run's archive is dumped (null
     * when it maps an existing one or runs without).
     */
    record Plan(List<String> options, String classpath, Path dumping, Path archive) {
        /** After the child exits: a dumped archive becomes the one later runs map (complete or absent). */
        void finish() {
            if (dumping == null) return;
            try {
                if (Files.isRegularFile(dumping) && Files.size(dumping) > 0) {
                    Files.move(dumping, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                // no archive this time: the next run dumps again
            } finally {
                try {
                    Files.deleteIfExists(dumping);
                } catch (IOException ignored) {
                    // a stray temporary file; removed with the folder's stale files next time
                }
            }
        }

        static Plan none(String classpath) {
            return new Plan(List.of(), classpath, null, null);
        }
    }

    /** Free space below which no archive is dumped: the archive (about 9 MB) and the jar (1 MB), with room to spare. */
    static final long MIN_FREE_BYTES = 64L << 20;

    private ClassArchive() {
    }

    /** The plan for a child with {@code options} on {@code classpath}. Never fails: without an archive if need be. */
    static Plan plan(String classpath, List<String> options) {
        if ("false".equals(System.getProperty("mnistfcn.cds"))) return Plan.none(classpath);
        try {
            return planFor(classpath, options);
        } catch (IOException | RuntimeException e) {
            return Plan.none(classpath);
        }
    }

    static Plan planFor(String classpath, List<String> options) throws IOException {
        return planFor(classpath, options, MIN_FREE_BYTES);
    }

    /** As above, dumping only where {@code minFree} bytes are free (a parameter for a test of a full disk). */
    static Plan planFor(String classpath, List<String> options, long minFree) throws IOException {
        List<Path> entries = new ArrayList<>();
        for (String e : classpath.split(File.pathSeparator)) if (!e.isEmpty()) entries.add(Path.of(e));
        Path classes = null;
        for (Path e : entries) {
            if (!Files.isDirectory(e) || isEmptyDirectory(e)) continue;
            Path parent = e.toAbsolutePath().getParent();
            if (classes != null || parent == null || !"target".equals(String.valueOf(parent.getFileName()))) {
                return Plan.none(classpath); // a second directory, or one not of a Maven build
            }
            classes = e;
        }
        if (classes == null) return Plan.none(classpath);
        Path folder = classes.toAbsolutePath().getParent().resolve(FOLDER);
        String key = key(entries, options);
        Path jar = folder.resolve(key + ".jar");
        Path archive = folder.resolve(key + ".jsa");
        List<String> cp = new ArrayList<>();
        for (Path e : entries) cp.add(e.equals(classes) ? jar.toString() : e.toString());
        String childClasspath = String.join(File.pathSeparator, cp);
        // The JVM's own CDS messages (a class it cannot archive, a mismatch) would land in the user's output.
        List<String> quiet = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
        if (Files.isRegularFile(archive) && Files.isRegularFile(jar)) {
            return new Plan(concat(List.of("-XX:SharedArchiveFile=" + archive), quiet), childClasspath, null, archive);
        }
        removeStale(folder);
        // A dump that cannot be written ends the JVM with "Unable to write to shared archive file", exit 1, after the
        // command's own work, on every run (a review, on a full disk).
        if (Files.getFileStore(classes).getUsableSpace() < minFree) return Plan.none(classpath);
        Path dir = classes;
        if (!Files.isRegularFile(jar)) AtomicFiles.writeAtomically(jar, out -> writeJar(dir, out));
        Path dumping = folder.resolve(AtomicFiles.TEMP_PREFIX + key + ".jsa-" + ProcessHandle.current().pid());
        return new Plan(concat(List.of("-XX:ArchiveClassesAtExit=" + dumping), quiet), childClasspath, dumping, archive);
    }

    /**
     * A hash of what the archive depends on: the JVM build, the module options ({@code --add-modules ...}: which
     * classes can be loaded at all) and each classpath entry's path, size and time. Not the {@code -D} properties,
     * which differ from run to run, nor {@code -X} options (a JIT or heap setting does not change the classes; an
     * archive the JVM finds incompatible is not mapped, and the run goes on without it): alternating runs with
     * different settings would otherwise replace each other's archive every time.
     */
    static String key(List<Path> entries, List<String> options) throws IOException {
        StringBuilder s = new StringBuilder(System.getProperty("java.home")).append('|')
                .append(System.getProperty("java.vm.version")).append('\n');
        for (int i = 0; i < options.size(); i++) {
            String o = options.get(i);
            if (!o.startsWith("--")) continue;
            s.append(o).append('\n');
            if (!o.contains("=") && i + 1 < options.size()) s.append(options.get(++i)).append('\n'); // its value
        }
        for (Path e : entries) {
            s.append(e).append('\n');
            if (Files.isDirectory(e)) {
                try (Stream<Path> files = Files.walk(e)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) stamp(s, f);
                }
            } else if (Files.exists(e)) {
                stamp(s, e);
            }
        }
        return ModelProvenance.sha256(s.toString()).substring(0, 16);
    }

    private static void stamp(StringBuilder s, Path f) throws IOException {
        s.append(f).append(' ').append(Files.size(f)).append(' ').append(Files.getLastModifiedTime(f).toMillis())
                .append('\n');
    }

    /** {@code dir}'s files as a jar, paths relative to it. */
    private static void writeJar(Path dir, OutputStream out) throws IOException {
        try (JarOutputStream jar = new JarOutputStream(out); Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                jar.putNextEntry(new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, jar);
                jar.closeEntry();
            }
        }
    }

    /**
     * Removes earlier keys' jars and archives, and dumps abandoned for 10 minutes; not those a live process names on
     * its command line: a sweep started before a rebuild starts each round's workers with its own {@code KEY.jar},
     * and every later trial failed ("Could not find or load main class") once the next command removed it (a review).
     */
    private static void removeStale(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) return;
        String inUse = null; // read once, and only where something is stale
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                boolean ours = n.endsWith(".jar") || n.endsWith(".jsa") || n.startsWith(AtomicFiles.TEMP_PREFIX);
                // another run's dump in progress is left alone while it is young
                boolean young = n.startsWith(AtomicFiles.TEMP_PREFIX)
                        && Files.getLastModifiedTime(f).toMillis() > System.currentTimeMillis() - 600_000;
                if (!ours || young) continue;
                if (inUse == null) inUse = commandLines();
                if (!inUse.contains(n)) Files.deleteIfExists(f);
            }
        }
    }

    /**
     * Every live process's command line that can be read, one after another: from {@code /proc/PID/cmdline} whole
     * where there is one ({@code ProcessHandle.Info} reads only its first 4,096 bytes, and a classpath of Maven's jars
     * puts ours far past them: a review), else as {@code ProcessHandle} gives it.
     */
    private static String commandLines() {
        StringBuilder all = new StringBuilder();
        ProcessHandle.allProcesses().forEach(p -> {
            try {
                byte[] line = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
                all.append(new String(line, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ')).append('\n');
            } catch (IOException | RuntimeException e) {
                p.info().commandLine().ifPresent(c -> all.append(c).append('\n'));
            }
        });
        return all.toString();
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
