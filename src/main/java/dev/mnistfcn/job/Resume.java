package dev.mnistfcn.job;

import dev.mnistfcn.UserError;

/**
 * What to do with an earlier run in the same folder. {@code FALSE}: start from scratch (the earlier run's files are
 * moved aside); {@code TRUE}: continue from its latest checkpoint, which must exist; {@code AUTO}: continue if there
 * is a checkpoint, else start fresh — the one command a scheduler can rerun after any kill.
 */
public enum Resume {
    FALSE, TRUE, AUTO;

    /** {@code true}, {@code false} or {@code auto}, as given to {@code --resume} or {@code -Dresume}. */
    public static Resume parse(String value, String where) {
        return switch (value == null ? "" : value) {
            case "false" -> FALSE;
            case "true" -> TRUE;
            case "auto" -> AUTO;
            default -> throw new UserError(where + " has value '" + value + "', which is not accepted. Expected true "
                    + "(continue from the latest checkpoint), false (start from scratch) or auto (continue if there is "
                    + "a checkpoint, else start; what to rerun after a kill).");
        };
    }
}
