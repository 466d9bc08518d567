package dev.mnistfcn.engine;

import dev.mnistfcn.UserError;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;

/**
 * ND4J's start (its backend's classes, libnd4j and OpenBLAS loaded and linked: about a second of one core) begun on
 * the spare core when a command starts, while the main thread parses the arguments and reads the config (picocli,
 * Jackson, the validator), instead of after them. Issue 29. Nothing is computed: the first {@code Nd4j} use on the
 * main thread waits for the same class initialisation if it is still running, and ND4J's random generators are
 * per thread, so the seed-12345 run's numbers are unchanged.
 */
public final class NativeStart {
    private NativeStart() {
    }

    /** What the background start threw: the main thread then sees only "Could not initialize class Nd4j". */
    private static volatile Throwable failure;

    public static void inBackground() {
        Thread t = new Thread(() -> {
            try {
                Nd4j.create(DataType.FLOAT, 1);
            } catch (Throwable e) {
                failure = e; // the main thread meets the failure where it uses ND4J; explained() says why
            }
        }, "nd4j-start");
        t.setDaemon(true);
        t.start();
    }

    /**
     * What {@code e} stands for: where it is the main thread's "Could not initialize class …Nd4j" after the start on
     * the spare core failed, that failure (an out-of-memory there had been reported as a missing library: a review);
     * otherwise {@code e}.
     */
    public static Throwable cause(Throwable e) {
        return cause(e, failure);
    }

    static Throwable cause(Throwable e, Throwable background) {
        if (background == null) return e;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof NoClassDefFoundError && String.valueOf(c.getMessage()).contains("org.nd4j")) return background;
        }
        return e;
    }

    /**
     * One paragraph for ND4J's native libraries failing to load, null where {@code e} ({@link #cause}) is something
     * else. On first use JavaCPP unpacks them (about 400 MB) into its cache; a full disk there had ended every command
     * in a stack trace whose cause, thrown on the start's thread, was lost (a review).
     */
    public static UserError explained(Throwable e) {
        if (!libraryFailed(e)) return null;
        Throwable why = e;
        while (why.getCause() != null) why = why.getCause();
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir",
                Path.of(System.getProperty("user.home"), ".javacpp", "cache").toString());
        return new UserError("ND4J's native libraries could not be loaded (" + (why.getMessage() != null
                ? why.getMessage() : why.toString()) + "). On first use JavaCPP unpacks them (about 400 MB) into " + cache
                + " (or java.io.tmpdir where it cannot make that folder), which needs the space and must allow running "
                + "programs (not mounted noexec): free space there, or name another folder with "
                + "JAVA_TOOL_OPTIONS=-Dorg.bytedeco.javacpp.cachedir=DIR.", e);
    }

    /** A library that did not load: Java's UnsatisfiedLinkError, or ND4J's own word for it; never out of memory. */
    private static boolean libraryFailed(Throwable e) {
        boolean library = false;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError) return false;
            if (c instanceof UnsatisfiedLinkError
                    || String.valueOf(c.getMessage()).startsWith("ND4J is probably missing dependencies")) library = true;
        }
        return library;
    }
}
