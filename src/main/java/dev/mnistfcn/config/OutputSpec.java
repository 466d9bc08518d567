package dev.mnistfcn.config;

/** Where runs are written: {@code <dir>/<name>/}. */
public record OutputSpec(String dir) {
    /** {@code output.dir} when a config does not say; also where {@code serve}'s runs page looks by default. */
    public static final String DEFAULT_DIR = "models";

    public OutputSpec {
        if (dir == null) dir = DEFAULT_DIR;
        dir = HomeFolder.expanded(dir);
    }
}
