package dev.mnistfcn.engine.fused;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

/**
 * C = op(A)·op(B) for contiguous float matrices in either order, straight into OpenBLAS's {@code cblas_sgemm}
 * (the library ND4J itself ends up in). Why not {@link org.nd4j.linalg.factory.Nd4j#gemm}: its path through
 * libnd4j's {@code Mmul} op costs a fixed 25-80 µs per call here — 50×784×256: 0.53 vs 0.46 ms; 50×256×64:
 * 0.085 vs 0.043 ms; 50×64×10: 0.028 vs 0.004 ms — about 0.37 ms of a ~2 ms batch-50 training step.
 */
final class Gemm {
    private Gemm() {
    }

    /**
     * A contiguous float matrix as OpenBLAS takes it: its address, its shape and whether it is stored row-major.
     * Made once per array (the network's weights, a batch's working arrays), so that a GEMM call reads no INDArray:
     * the INDArray calls in each multiply cost ~0.3 s of a core in C2 compilations during training's second to
     * tenth epoch at batch 512 here (-XX:+LogCompilation), time the training threads lose on 2 cores.
     */
    record Matrix(INDArray array, FloatPointer pointer, int rows, int columns, boolean rowMajor) {
        static Matrix of(INDArray a) {
            if (a.dataType() != DataType.FLOAT || a.rank() != 2 || a.elementWiseStride() != 1) {
                throw new IllegalArgumentException("expected a contiguous float matrix, got " + a.shapeInfoToString());
            }
            // addressPointer() includes a view's offset; the record keeps the array, which owns the memory.
            return new Matrix(a, new FloatPointer(a.data().addressPointer()), (int) a.rows(), (int) a.columns(),
                    a.ordering() == 'c');
        }

        /** The leading dimension of its storage. */
        int stride() {
            return rowMajor ? columns : rows;
        }
    }

    /** C = op(A)·op(B). */
    static void multiply(Matrix a, boolean transA, Matrix b, boolean transB, Matrix c) {
        if (!c.rowMajor()) { // a column-major C is a row-major Cᵀ = op(B)ᵀ·op(A)ᵀ
            rowMajor(b, !transB, a, !transA, c, c.columns(), c.rows());
        } else {
            rowMajor(a, transA, b, transB, c, c.rows(), c.columns());
        }
    }

    /** Row-major m×n result; a column-major operand is read as the row-major storage of its transpose. */
    private static void rowMajor(Matrix a, boolean ta, Matrix b, boolean tb, Matrix c, int m, int n) {
        int k = ta ? a.rows() : a.columns();
        boolean storedTa = ta ^ !a.rowMajor();
        boolean storedTb = tb ^ !b.rowMajor();
        BlasThreads.beforeGemm(m, n, k, storedTa, storedTb, a.stride(), b.stride());
        cblas_sgemm(CblasRowMajor, storedTa ? CblasTrans : CblasNoTrans, storedTb ? CblasTrans : CblasNoTrans,
                m, n, k, 1f, a.pointer(), a.stride(), b.pointer(), b.stride(), 0f, c.pointer(), n);
    }

    /**
     * C = op(A)·B on row-major storage given as pointer + element offset (a range of rows or columns of a larger
     * matrix): {@code m×k} op(A) with leading dimension {@code lda}, {@code k×n} B, {@code m×n} C. For threads that
     * each multiply their own part at once (OpenBLAS then at one thread); making an INDArray view per call would
     * cost ~10 µs each here.
     */
    static void rowMajor(FloatPointer a, long aOffset, int lda, boolean transA, FloatPointer b, int ldb,
                         FloatPointer c, long cOffset, int m, int n, int k) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, CblasNoTrans, m, n, k, 1f,
                new FloatPointer(a).position(aOffset), lda, b, ldb, 0f, new FloatPointer(c).position(cOffset), n);
    }
}
