package dev.mnistfcn.engine.fused;

/**
 * The dense forward pass through OpenBLAS's GEMMs, for inference (no dropout, as DL4J's {@code output(x, false)})
 * and for training (each layer's input dropout, as DL4J's training pass has it).
 */
final class ForwardPass {
    private final DenseLayers p;
    private final DropoutMasks dropout;

    ForwardPass(DenseLayers p, DropoutMasks dropout) {
        this.p = p;
        this.dropout = dropout;
    }

    /**
     * z = a·W + bias, a = f(z) layer by layer from layer {@code from} (layer 0 from {@code x}; from 1 on, layer 0's
     * z is in {@code b.z[0]} already, bias included); the off-heap {@code out[i]} first holds z, then a (the next
     * GEMM's input). Leaves the softmax probabilities in {@code b.z[last]}.
     */
    void run(WorkingArrays b, Gemm.Matrix x, int n, int from) {
        int layers = p.layers;
        if (from == 0) BlasThreads.useFor(n);
        for (int i = 0; i < layers; i++) {
            int m = p.width[i + 1];
            float[] z = b.z[i];
            if (i >= from) {
                Gemm.multiply(i == 0 ? x : b.outMatrix[i - 1], false, p.weightMatrix[i], false, b.outMatrix[i]);
                b.outBuf[i].get(0, z, 0, n * m);
                p.addBias(z, n, m, p.biasOffset[i]);
            }
            if (i < layers - 1) {
                p.activation[i].apply(z, b.a[i], n * m);
                float[] next = b.a[i];
                if (b.training && dropout.drops(i + 1)) { // training only: the next layer's input dropout
                    next = b.dropped(i, n * m);
                    System.arraycopy(b.a[i], 0, next, 0, n * m);
                    dropout.apply(i + 1, next, n * m);
                }
                b.outBuf[i].put(0, next, 0, n * m);
            }
        }
        Activation.softmax(b.z[layers - 1], 0, n, p.width[layers]);
    }
}
