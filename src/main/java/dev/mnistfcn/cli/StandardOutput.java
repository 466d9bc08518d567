package dev.mnistfcn.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the command's standard output was all written. A PrintStream drops what it cannot write and only sets a
 * flag, so predict's rows redirected to a full disk ended in the middle of a line and the command exited 0 without
 * a word (a review).
 */
final class StandardOutput {
    private StandardOutput() {
    }

    /**
     * {@code code}, or 1 with one paragraph on {@code err} where {@code out} lost output. Not where it went to a pipe,
     * FIFO or socket whose reader has gone ({@code | head -1}): the reader asked for no more, as with any Unix tool.
     */
    static int checked(int code, PrintStream out, PrintStream err) {
        out.flush();
        if (!out.checkError()) return code;
        String where = where();
        if (where.startsWith("pipe:") || where.startsWith("socket:") || isFifo(where)) return code;
        if (where.startsWith(System.getProperty("java.home"))) { // fd 1 was closed (>&-): the JVM reused it for a file
            err.println("error: the command's output could not be written: standard output is closed.");
        } else {
            err.println("error: the command's output could not all be written to " + where + " (a full disk, or a "
                    + "file that cannot grow): what is there is incomplete. Free space there, or send the output "
                    + "elsewhere.");
        }
        return code == 0 ? 1 : code;
    }

    /** What standard output is: a file's path, "pipe:[…]", "socket:[…]", or "standard output" where /proc cannot say. */
    private static String where() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "standard output";
        }
    }

    /** A named pipe ({@code mkfifo}): its reader went, as a pipe's does. */
    private static boolean isFifo(String path) {
        try {
            return ((Integer) Files.getAttribute(Path.of(path), "unix:mode") & 0170000) == 0010000;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
