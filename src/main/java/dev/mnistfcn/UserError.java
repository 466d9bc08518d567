package dev.mnistfcn;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A mistake the user can fix (bad config, missing file, corrupt data). The CLI prints only the
 * message, one paragraph naming the file/key/value and what is accepted, and exits non-zero.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Why {@code p}, which does not exist, is missing, where it is a symbolic link ("a link to T that leads nowhere:
     * …"; a loop of links read as missing too); null where it is no link, plainly absent.
     */
    public static String brokenLink(Path p) {
        if (!Files.isSymbolicLink(p)) return null;
        try {
            return "a link to " + Files.readSymbolicLink(p) + " that leads nowhere: its target is missing, or links loop";
        } catch (IOException e) {
            return "a link that cannot be read (" + reason(e) + ")";
        }
    }

    /**
     * A heap too small for what the config asks (a network of 30 M parameters on the default 1 GiB), in one
     * paragraph: what the CLI prints, and a sweep trial's failure (a worker takes the sweep's heap size).
     */
    public static String outOfMemory(OutOfMemoryError e) {
        String m = String.valueOf(e.getMessage());
        if (m.startsWith("Physical memory usage is too high") || m.startsWith("Cannot allocate")) {
            // JavaCPP's own limits on ND4J's arrays, which live off the heap: a larger -Xmx made them no larger
            return "out of memory outside the Java heap (" + m + "): ND4J keeps its arrays off the heap, within "
                    + "JavaCPP's limits org.bytedeco.javacpp.maxbytes and maxphysicalbytes. Use fewer units (model.hidden) "
                    + "or a smaller training.batch_size, or raise those limits (0 lifts them), e.g. "
                    + "JAVA_TOOL_OPTIONS=-Dorg.bytedeco.javacpp.maxphysicalbytes=0.";
        }
        return String.format(java.util.Locale.ROOT, "out of memory (%s): the %,d MiB heap of this JVM cannot hold the "
                + "network, its training state and the data. Use fewer units (model.hidden) or a smaller "
                + "training.batch_size, or give the JVM a larger heap, e.g. JAVA_TOOL_OPTIONS=-Xmx4g.", e.getMessage(),
                Runtime.getRuntime().maxMemory() >> 20);
    }

    /**
     * Why a file operation failed, in words for a message: a {@code FileSystemException}'s own message is often only
     * the path it names ("cannot be read: /x.yaml" said nothing of the permission it lacked).
     */
    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof NoSuchFileException) return "no such file or folder";
        // createDirectories over a link that points nowhere: "FileAlreadyExistsException" was all it said (a review)
        if (e instanceof FileAlreadyExistsException f && f.getReason() == null) {
            return "something other than a folder is already there" + (f.getFile() != null
                    && Files.isSymbolicLink(Path.of(f.getFile())) ? " (a link to a place that does not exist)" : "")
                    + ": " + f.getFile();
        }
        if (e instanceof FileSystemException f) { // a rename's target is the file the user knows of
            String why = f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
            return f.getOtherFile() != null ? why + ": " + f.getOtherFile() : why;
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
