package dev.mnistfcn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * When each phase of this command ended, in seconds since the command started: the start of the outermost JVM
 * (under {@code mvn exec:java} Maven's, whose launcher script {@code exec}s it, so the instant the user pressed
 * enter, to the 10 ms of {@code /proc}). A relaunched child JVM gets its parent's origin and marks through
 * {@link #ENV}, so one timeline covers Maven, both JVM starts, ND4J, the data, the epochs and the reports.
 * Issue 29: the whole command, not only its epochs.
 */
public final class Timeline {
    /** The parent's origin and marks, handed to a relaunched child JVM: {@code micros;name=seconds;...}. */
    public static final String ENV = "MNIST_FCN_TIMELINE";

    private static final Timeline PROCESS = start(System.getenv(ENV), Instant.now());

    private final Instant origin;
    private final Map<String, Double> marks = new LinkedHashMap<>();

    private Timeline(Instant origin) {
        this.origin = origin;
    }

    /** This process's timeline. */
    public static Timeline process() {
        return PROCESS;
    }

    /**
     * The timeline a process starts with: the parent's ({@code inherited}, from {@link #ENV}) plus this JVM's own
     * start as {@code jvm_start} when there is one, else a new one from this JVM's start ({@code now} where the OS
     * does not tell it).
     */
    static Timeline start(String inherited, Instant now) {
        Instant jvmStart = processStart(now);
        Timeline parent = inherited == null ? null : decode(inherited);
        if (parent == null) return new Timeline(jvmStart);
        parent.marks.put("child_jvm_start", parent.secondsAt(jvmStart));
        return parent;
    }

    /**
     * When this process started. {@code ProcessHandle}'s start instant adds the boot time, which Linux gives in whole
     * seconds (up to 1 s off); the age of the process, from {@code /proc/uptime} and the start tick in
     * {@code /proc/self/stat}, is right to the 10 ms tick.
     */
    static Instant processStart(Instant now) {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(after[19]); // field 22, starttime; 'after' begins at field 3
            double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            double age = uptime - startTicks / (double) TICKS_PER_SECOND;
            if (age >= 0 && age < 3600) return now.minusNanos((long) (age * 1e9));
        } catch (IOException | RuntimeException e) {
            // not Linux: the JDK's figure
        }
        return ProcessHandle.current().info().startInstant().orElse(now);
    }

    /** USER_HZ: 100 on every Linux that runs Java (the kernel's {@code sysconf(_SC_CLK_TCK)} for /proc). */
    private static final int TICKS_PER_SECOND = 100;

    /**
     * A timeline of its own from here on, with the same origin and the marks so far: one job's phases (a command that
     * runs several, like compare, gives each its own; this process's timeline keeps the command's start-up).
     */
    public Timeline fork() {
        Timeline t = new Timeline(origin);
        t.marks.putAll(marks());
        return t;
    }

    /** Records that {@code phase} ended now (a phase marked twice keeps its first time). */
    public Timeline mark(String phase) {
        double at = secondsAt(Instant.now());
        synchronized (marks) {
            marks.putIfAbsent(phase, at);
        }
        return this;
    }

    /** The marks in the order they were made: phase → seconds since the command's start. */
    public Map<String, Double> marks() {
        synchronized (marks) {
            return new LinkedHashMap<>(marks);
        }
    }

    /** For {@link #ENV}: the origin in microseconds since the epoch, then the marks so far. */
    public String encode() {
        StringBuilder s = new StringBuilder().append(origin.getEpochSecond() * 1_000_000 + origin.getNano() / 1000);
        marks().forEach((k, v) -> s.append(';').append(k).append('=').append(v));
        return s.toString();
    }

    /** {@link #encode()}'s form read back; null when it is not in that form (then the child starts its own). */
    static Timeline decode(String text) {
        try {
            String[] parts = text.split(";");
            long micros = Long.parseLong(parts[0]);
            Timeline t = new Timeline(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000),
                    Math.floorMod(micros, 1_000_000) * 1000L));
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].split("=", 2);
                if (kv.length != 2 || kv[0].isEmpty()) return null;
                t.marks.put(kv[0], Double.parseDouble(kv[1]));
            }
            return t;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private double secondsAt(Instant at) {
        return Duration.between(origin, at).toNanos() / 1e9;
    }

    /** One line per mark: seconds since the start, the phase's own length, its name. */
    public String describe() {
        StringBuilder s = new StringBuilder("Timeline (seconds since the command started):\n");
        double before = 0;
        for (Map.Entry<String, Double> e : marks().entrySet()) {
            s.append(String.format(Locale.ROOT, "  %7.2f  (+%5.2f)  %s%n", e.getValue(), e.getValue() - before, e.getKey()));
            before = e.getValue();
        }
        return s.toString();
    }
}
