package dev.mnistfcn.digits;

import java.util.Optional;

/**
 * Where the digit is in a picture already turned into MNIST's polarity (ink bright, paper 0): the box around its
 * strokes, leaving out isolated specks (dust, JPEG blocks, noise, a stray pen touch), which are also erased so they
 * do not pull the centre of mass. A speck is a connected blob of ink smaller than {@link #SPECK_SHARE} of all the
 * ink; the parts of a broken stroke (a 4 or 5 written in two moves) are larger than that and stay.
 *
 * @param x0 left column (inclusive)
 * @param y0 top row (inclusive)
 * @param x1 right column (exclusive)
 * @param y1 bottom row (exclusive)
 */
record InkBox(int x0, int y0, int x1, int y1) {
    /** A pixel at least this bright (after the contrast stretch) is ink, for finding blobs. */
    static final float INK = 0.3f;
    /** The antialiased rim of a stroke: fainter than ink, but part of the digit's extent as MNIST measured it. */
    static final float RIM = 0.1f;
    static final float SPECK_SHARE = 0.02f;

    int width() {
        return x1 - x0;
    }

    int height() {
        return y1 - y0;
    }

    /** The box around the digit in {@code values} ({@code width} wide), after erasing its specks; empty if no ink. */
    static Optional<InkBox> find(float[] values, int width) {
        int height = values.length / width;
        int[] label = new int[values.length]; // 0: not ink or not yet seen; k: the k-th blob
        int[] queue = new int[values.length];
        int[] size = new int[16];
        int[][] box = new int[16][];
        int blobs = 0;
        int ink = 0;
        for (int start = 0; start < values.length; start++) {
            if (values[start] < INK || label[start] != 0) continue;
            if (++blobs == size.length) {
                size = java.util.Arrays.copyOf(size, blobs * 2);
                box = java.util.Arrays.copyOf(box, blobs * 2);
            }
            int[] b = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            label[start] = blobs;
            while (head < tail) { // breadth-first over the 8 neighbours: diagonal steps join a thin stroke
                int p = queue[head++];
                int x = p % width;
                int y = p / width;
                b[0] = Math.min(b[0], x);
                b[1] = Math.min(b[1], y);
                b[2] = Math.max(b[2], x + 1);
                b[3] = Math.max(b[3], y + 1);
                for (int dy = -1; dy <= 1; dy++) {
                    int ny = y + dy;
                    if (ny < 0 || ny >= height) continue;
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx;
                        if (nx < 0 || nx >= width) continue;
                        int q = ny * width + nx;
                        if (label[q] == 0 && values[q] >= INK) {
                            label[q] = blobs;
                            queue[tail++] = q;
                        }
                    }
                }
            }
            size[blobs] = tail;
            box[blobs] = b;
            ink += tail;
        }
        if (blobs == 0) return Optional.empty();

        int largest = 1;
        for (int k = 2; k <= blobs; k++) if (size[k] > size[largest]) largest = k;
        boolean[] speck = new boolean[blobs + 1];
        int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = -1, y1 = -1;
        for (int k = 1; k <= blobs; k++) {
            speck[k] = k != largest && size[k] < SPECK_SHARE * ink;
            if (speck[k]) continue;
            x0 = Math.min(x0, box[k][0]);
            y0 = Math.min(y0, box[k][1]);
            x1 = Math.max(x1, box[k][2]);
            y1 = Math.max(y1, box[k][3]);
        }
        for (int p = 0; p < values.length; p++) if (speck[label[p]]) values[p] = 0;

        // Widen the box to the strokes' faint rim, looking a few pixels out only, so that noise cannot widen it far.
        int margin = Math.max(1, Math.max(x1 - x0, y1 - y0) / 20);
        int gx0 = Math.max(0, x0 - margin), gy0 = Math.max(0, y0 - margin);
        int gx1 = Math.min(width, x1 + margin), gy1 = Math.min(height, y1 + margin);
        for (int y = gy0; y < gy1; y++) {
            for (int x = gx0; x < gx1; x++) {
                if (values[y * width + x] < RIM) continue;
                x0 = Math.min(x0, x);
                y0 = Math.min(y0, y);
                x1 = Math.max(x1, x + 1);
                y1 = Math.max(y1, y + 1);
            }
        }
        return Optional.of(new InkBox(x0, y0, x1, y1));
    }
}
