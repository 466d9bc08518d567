package dev.mnistfcn.engine;

import dev.mnistfcn.UserError;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ND4J failing to load its native libraries is one paragraph naming the cause and JavaCPP's cache (by hand: a home
 * folder on an 8 KB tmpfs, docs/errors.md); here the chains ND4J's start throws, built as it builds them.
 */
class NativeStartTest {
    @Test
    void aLibraryThatCannotBeUnpackedIsExplained() {
        UnsatisfiedLinkError link = new UnsatisfiedLinkError("java.io.IOException: No space left on device");
        link.initCause(new IOException("No space left on device"));
        Throwable thrown = new ExceptionInInitializerError(new RuntimeException("ND4J is probably missing dependencies. "
                + "For more information, please refer to: https://deeplearning4j.konduit.ai/nd4j/backend", link));
        UserError said = NativeStart.explained(thrown);
        assertTrue(said.getMessage().startsWith("ND4J's native libraries could not be loaded (No space left on device). "
                + "On first use JavaCPP unpacks them (about 400 MB) into "), said.getMessage());
        assertTrue(said.getMessage().endsWith("JAVA_TOOL_OPTIONS=-Dorg.bytedeco.javacpp.cachedir=DIR."), said.getMessage());
        // What the main thread meets where the start on the spare core failed first: that start's failure is the cause
        NoClassDefFoundError mainThread = new NoClassDefFoundError("Could not initialize class org.nd4j.linalg.factory.Nd4j");
        assertSame(thrown, NativeStart.cause(mainThread, thrown));
        assertSame(mainThread, NativeStart.cause(mainThread, null));
    }

    /** ND4J's off-heap cap hit while it starts is out of memory, not a missing library (it was said to be: a review). */
    @Test
    void outOfMemoryWhileStartingIsNotALibraryFailure() {
        Throwable background = new ExceptionInInitializerError(new OutOfMemoryError(
                "Physical memory usage is too high: physicalBytes (130M) > maxPhysicalBytes (1024K)"));
        Throwable real = NativeStart.cause(new NoClassDefFoundError("Could not initialize class org.nd4j.linalg.factory."
                + "Nd4j"), background);
        assertSame(background, real);
        assertNull(NativeStart.explained(real));
        // and its paragraph names JavaCPP's limits, not the Java heap that a larger -Xmx would grow (a review)
        String said = UserError.outOfMemory((OutOfMemoryError) background.getCause());
        assertTrue(said.startsWith("out of memory outside the Java heap (Physical memory usage is too high")
                && said.endsWith("JAVA_TOOL_OPTIONS=-Dorg.bytedeco.javacpp.maxphysicalbytes=0."), said);
    }

    @Test
    void otherFailuresAreNotExplainedAsIt() {
        assertNull(NativeStart.explained(new IllegalStateException("something else")));
        assertNull(NativeStart.explained(new NoClassDefFoundError("com/example/Missing")));
    }
}
