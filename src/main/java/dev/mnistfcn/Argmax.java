package dev.mnistfcn;

/**
 * The most probable class: the one argmax of the code base, for probabilities and one-hot labels alike. On a tie
 * the first column wins, as with ND4J's {@code argMax}.
 */
public final class Argmax {
    private Argmax() {
    }

    /** The index of the largest value. */
    public static int of(float[] values) {
        return of(values, 0, values.length);
    }

    /** The column of the largest of the {@code columns} values starting at {@code from}. */
    public static int of(float[] values, int from, int columns) {
        int best = 0;
        for (int j = 1; j < columns; j++) if (values[from + j] > values[from + best]) best = j;
        return best;
    }

    /** The column of the largest value of each row of a row-major matrix with {@code columns} columns. */
    public static int[] ofRows(float[] values, int columns) {
        int[] best = new int[values.length / columns];
        for (int r = 0; r < best.length; r++) best[r] = of(values, r * columns, columns);
        return best;
    }
}
