package dev.mnistfcn.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

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

    public static void inBackground() {
        Thread t = new Thread(() -> {
            try {
                Nd4j.create(DataType.FLOAT, 1);
            } catch (Throwable e) {
                // the main thread meets the same failure where it uses ND4J, and reports it there
            }
        }, "nd4j-start");
        t.setDaemon(true);
        t.start();
    }
}
