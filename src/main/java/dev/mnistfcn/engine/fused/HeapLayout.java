package dev.mnistfcn.engine.fused;

import java.nio.FloatBuffer;

/**
 * How the fused engine's heap copies of parameter-shaped arrays (parameters, gradients, Adam moments) are laid out
 * against DL4J's flat arrays: identical, or with layer 0's weights input-major, the order {@link SparseFirstLayer}
 * reads and writes (DL4J keeps weights output-major, 'f' order). Both the update rules and the penalties work
 * element by element, so they run on either layout alike; only copies to and from DL4J's arrays transpose.
 */
final class HeapLayout {
    static final HeapLayout SAME = new HeapLayout(0, 0, 0);

    private final int offset;    // of the transposed weights; none when inputs · outputs is 0
    private final int inputs;
    private final int outputs;
    private final float[] segment;

    private HeapLayout(int offset, int inputs, int outputs) {
        this.offset = offset;
        this.inputs = inputs;
        this.outputs = outputs;
        segment = new float[inputs * outputs];
    }

    /** Layer 0's weights at {@code offset}, output-major in DL4J's array (element (k, j) at k + j·inputs). */
    static HeapLayout inputMajor(int offset, int inputs, int outputs) {
        return new HeapLayout(offset, inputs, outputs);
    }

    /** Heap index of weight (input k, output j) of the transposed layer. */
    int weightIndex(int k, int j) {
        return offset + k * outputs + j;
    }

    /** network → heap, all of it. */
    void read(FloatBuffer network, float[] heap) {
        network.get(0, heap);
        if (segment.length == 0) return;
        System.arraycopy(heap, offset, segment, 0, segment.length);
        for (int j = 0; j < outputs; j++) {
            for (int k = 0; k < inputs; k++) heap[offset + k * outputs + j] = segment[k + j * inputs];
        }
    }

    /** heap → network, all of it. */
    void write(float[] heap, FloatBuffer network) {
        writeAllBut(heap, network);
        if (segment.length == 0) return;
        for (int k = 0; k < inputs; k++) {
            for (int j = 0; j < outputs; j++) segment[k + j * inputs] = heap[offset + k * outputs + j];
        }
        network.put(offset, segment);
    }

    /** heap → network except the transposed weights (after every training step; they go back in {@link #write}). */
    void writeAllBut(float[] heap, FloatBuffer network) {
        network.put(0, heap, 0, offset);
        int end = offset + segment.length;
        network.put(end, heap, end, heap.length - end);
    }

    /** network → heap except the transposed weights (the gradients the GEMMs wrote). */
    void readAllBut(FloatBuffer network, float[] heap) {
        network.get(0, heap, 0, offset);
        int end = offset + segment.length;
        network.get(end, heap, end, heap.length - end);
    }
}
