package dev.mnistfcn.cli;

import java.lang.management.ManagementFactory;

/**
 * Test-only entry point: goes through {@link NativeSettings#relaunchIfNeeded} as {@link Main} does, and
 * the JVM that runs prints what it got. Its {@code -Dname=value} arguments are set as system properties
 * before the relaunch, as Maven does with those on mvn's command line; {@code -Dprobe.exit=N} ends it with exit code N
 * (the user's program failing).
 */
public final class RelaunchProbe {
    public static void main(String[] args) {
        if (System.getenv(NativeSettings.MARKER) == null) {
            for (String a : args) {
                String[] kv = a.substring(2).split("=", 2);
                System.setProperty(kv[0], kv[1]);
            }
        }
        var relaunched = NativeSettings.relaunchIfNeeded(RelaunchProbe.class, args);
        if (relaunched.isPresent()) {
            System.exit(relaunched.get());
        }
        System.out.println("marker=" + System.getenv(NativeSettings.MARKER));
        System.out.println("maxMemory=" + Runtime.getRuntime().maxMemory());
        System.out.println("glibcTunables=" + System.getenv("GLIBC_TUNABLES"));
        System.out.println("blasTimeout=" + System.getenv(NativeSettings.BLAS_TIMEOUT));
        System.out.println("inputArgs=" + ManagementFactory.getRuntimeMXBean().getInputArguments());
        for (String key : System.getProperties().stringPropertyNames()) {
            System.out.println("property." + key + "=" + System.getProperty(key));
        }
        for (String a : args) {
            if (a.startsWith("-Dprobe.exit=")) System.exit(Integer.parseInt(a.substring("-Dprobe.exit=".length())));
        }
    }
}
