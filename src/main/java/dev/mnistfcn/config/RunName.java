package dev.mnistfcn.config;

import java.util.regex.Pattern;

/**
 * What a run, a sweep or a sweep's trial may be called: one folder name under {@code output.dir}, never a path.
 * Not starting with '.' rules out {@code .} and {@code ..} (which resolve to the output folder or above it) and
 * leaves hidden names to mnist-fcn itself (a run's earlier files are kept in {@code <run>/.previous}).
 */
public final class RunName {
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

    /** What is accepted, for error messages. */
    public static final String RULE = "letters a-z and A-Z, digits, '.', '_' or '-', not starting with '.', at most 128 "
            + "characters";

    private RunName() {
    }

    public static boolean isValid(String name) {
        return name != null && ACCEPTED.matcher(name).matches();
    }
}
