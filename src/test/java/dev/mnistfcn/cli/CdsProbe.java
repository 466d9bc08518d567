package dev.mnistfcn.cli;

/** A program for {@link ClassArchiveJvmTest}'s JVMs: says it ran. */
public final class CdsProbe {
    private CdsProbe() {
    }

    public static void main(String[] args) {
        System.out.println("probe ran");
    }
}
