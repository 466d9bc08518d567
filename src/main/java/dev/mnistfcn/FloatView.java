package dev.mnistfcn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * An ND4J float array's values in place, as a {@link FloatBuffer} indexed from its first element: how the fused engine,
 * the MNIST reader and the augmentation producer read and write arrays without copying them.
 *
 * <p>The buffer does not keep the array alive: once the array is unreachable, JavaCPP may free its memory, and the
 * buffer then points at freed memory (a JVM crash, not an exception). Keep a reference to the array (a field, or a
 * variable used after the buffer) for as long as the buffer is used.
 */
public final class FloatView {
    private FloatView() {
    }

    /** The floats of {@code a}, which must be a contiguous float array. */
    public static FloatBuffer of(INDArray a) {
        if (a.dataType() != DataType.FLOAT || a.length() > 0 && a.elementWiseStride() != 1) {
            throw new IllegalArgumentException("expected a contiguous float array, got " + a.shapeInfoToString());
        }
        // asNio() spans the whole underlying allocation; a view starts at its offset within it.
        FloatBuffer whole = a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        return whole.slice((int) a.offset(), (int) a.length());
    }
}
