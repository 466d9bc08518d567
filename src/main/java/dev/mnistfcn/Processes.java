package dev.mnistfcn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a process still runs. A process that has exited stays a zombie until its parent collects it, and an
 * orphan's parent is the init process, which on some machines does so only 1–2 s later (seen on these test machines);
 * {@link ProcessHandle#isAlive()} counts a zombie as running. A zombie holds nothing (its locks, files and memory are
 * released), so here it has ended: a sweep's worker whose relaunched parent had halted kept training for those
 * seconds, and the runs page showed a killed run as running.
 */
public final class Processes {
    private Processes() {
    }

    /** Running and not a zombie (Linux's {@code /proc/PID/stat}; elsewhere what the JDK says). */
    public static boolean running(ProcessHandle p) {
        if (!p.isAlive()) return false;
        try {
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z'; // the state follows the command's name in ()
        } catch (IOException | RuntimeException e) {
            return p.isAlive(); // no /proc (not Linux), or the process went away just now
        }
    }

    /** {@link #running(ProcessHandle)} for a process id. */
    public static boolean running(long pid) {
        return ProcessHandle.of(pid).map(Processes::running).orElse(false);
    }
}
