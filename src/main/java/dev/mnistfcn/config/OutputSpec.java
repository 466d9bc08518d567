package dev.mnistfcn.config;

/** Where runs are written: {@code <dir>/<name>/}. */
public record OutputSpec(String dir) {
    public OutputSpec {
        if (dir == null) dir = "models";
    }
}
