package dev.mnistfcn;

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
}
