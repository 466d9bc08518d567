package dev.mnistfcn.digits;

import java.util.Arrays;
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
        Blobs blobs = Blobs.of(values, width);
        if (blobs.count == 0) return Optional.empty();
        int height = values.length / width;

        int[] roots = blobs.roots();
        int largest = roots[0]; // the first of the largest in reading order, as a breadth-first labelling finds them
        for (int k : roots) if (blobs.size[k] > blobs.size[largest]) largest = k;
        boolean[] speck = new boolean[blobs.count + 1];
        boolean anySpeck = false;
        int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = -1, y1 = -1;
        for (int k : roots) {
            speck[k] = k != largest && blobs.size[k] < SPECK_SHARE * blobs.ink;
            anySpeck |= speck[k];
            if (speck[k]) continue;
            x0 = Math.min(x0, blobs.x0[k]);
            y0 = Math.min(y0, blobs.y0[k]);
            x1 = Math.max(x1, blobs.x1[k]);
            y1 = Math.max(y1, blobs.y1[k]);
        }
        if (anySpeck) blobs.erase(speck, values, width);

        // Widen the box to the strokes' faint rim, looking a few pixels out only, so that noise cannot widen it far.
        int margin = Math.max(1, Math.max(x1 - x0, y1 - y0) / 20);
        int gx0 = Math.max(0, x0 - margin), gy0 = Math.max(0, y0 - margin);
        int gx1 = Math.min(width, x1 + margin), gy1 = Math.min(height, y1 + margin);
        for (int y = gy0; y < gy1; y++) { // each row from both ends, to its first rim pixel
            int row = y * width;
            int first = gx0;
            while (first < gx1 && values[row + first] < RIM) first++;
            if (first == gx1) continue;
            int last = gx1 - 1;
            while (values[row + last] < RIM) last--;
            x0 = Math.min(x0, first);
            y0 = Math.min(y0, y);
            x1 = Math.max(x1, last + 1);
            y1 = Math.max(y1, y + 1);
        }
        return Optional.of(new InkBox(x0, y0, x1, y1));
    }

    /**
     * The 8-connected blobs of ink (diagonal steps join a thin stroke), found in one pass over the rows as runs of
     * ink, each joined to the runs it touches in the row above through a union-find of labels: each blob's size and
     * box. A blob's root is its smallest label, that of its first pixel in reading order. Runs, not pixels, are
     * labelled: a stroke's row is one step, not one per pixel.
     */
    private static final class Blobs {
        int[] parent = new int[64];
        int[] size = new int[64], x0 = new int[64], y0 = new int[64], x1 = new int[64], y1 = new int[64];
        /** Run r: row runY[r], columns runX0[r] (inclusive) to runX1[r] (exclusive), of the blob labelled runLabel[r]. */
        int[] runY = new int[64], runX0 = new int[64], runX1 = new int[64], runLabel = new int[64];
        int runs;
        int count;
        int ink;

        static Blobs of(float[] values, int width) {
            Blobs b = new Blobs();
            int height = values.length / width;
            int above = 0; // the first run of the row above that can still touch a run of this row
            for (int y = 0; y < height; y++) {
                int row = y * width;
                int rowStart = b.runs;
                for (int x = 0; x < width; ) {
                    while (x < width && values[row + x] < INK) x++;
                    if (x == width) break;
                    int start = x;
                    while (x < width && values[row + x] >= INK) x++;
                    // A run above touches [start, x) when it overlaps it widened by a pixel each side (diagonals).
                    while (above < rowStart && b.runX1[above] < start) above++;
                    b.makeRoom();
                    int k = 0;
                    for (int r = above; r < rowStart && b.runX0[r] <= x; r++) k = b.join(k, b.runLabel[r]);
                    if (k == 0) k = b.add(start, y);
                    b.size[k] += x - start;
                    b.x0[k] = Math.min(b.x0[k], start);
                    b.x1[k] = Math.max(b.x1[k], x);
                    b.y1[k] = y + 1;
                    b.ink += x - start;
                    b.addRun(y, start, x, k);
                }
                above = rowStart;
            }
            return b;
        }

        /** The labels that are blobs (roots), in increasing order. */
        int[] roots() {
            int n = 0;
            int[] roots = new int[count];
            for (int k = 1; k <= count; k++) if (parent[k] == k) roots[n++] = k;
            return Arrays.copyOf(roots, n);
        }

        /** Sets the pixels of the blobs marked in {@code speck} (by root) to 0. */
        void erase(boolean[] speck, float[] values, int width) {
            for (int r = 0; r < runs; r++) {
                int row = runY[r] * width;
                if (speck[find(runLabel[r])]) Arrays.fill(values, row + runX0[r], row + runX1[r], 0f);
            }
        }

        /** The root after merging the blob of root {@code k} (0: none yet) with that of label {@code other}. */
        private int join(int k, int other) {
            int r = find(other);
            if (k == 0 || k == r) return r;
            int keep = Math.min(k, r), gone = Math.max(k, r);
            parent[gone] = keep;
            size[keep] += size[gone];
            x0[keep] = Math.min(x0[keep], x0[gone]);
            y0[keep] = Math.min(y0[keep], y0[gone]);
            x1[keep] = Math.max(x1[keep], x1[gone]);
            y1[keep] = Math.max(y1[keep], y1[gone]);
            return keep;
        }

        private int find(int k) {
            while (parent[k] != k) k = parent[k] = parent[parent[k]];
            return k;
        }

        /** A new blob starting at column {@code x} of row {@code y}. */
        private int add(int x, int y) {
            count++;
            parent[count] = count;
            x0[count] = x;
            y0[count] = y;
            x1[count] = x;
            y1[count] = y + 1;
            return count;
        }

        private void addRun(int y, int start, int end, int k) {
            runY[runs] = y;
            runX0[runs] = start;
            runX1[runs] = end;
            runLabel[runs++] = k;
        }

        /** Room for one more run and one more blob (a blob starts with a run, so there are never more blobs). */
        private void makeRoom() {
            if (runs + 1 < runY.length) return;
            int n = runY.length * 2;
            runY = Arrays.copyOf(runY, n);
            runX0 = Arrays.copyOf(runX0, n);
            runX1 = Arrays.copyOf(runX1, n);
            runLabel = Arrays.copyOf(runLabel, n);
            parent = Arrays.copyOf(parent, n);
            size = Arrays.copyOf(size, n);
            x0 = Arrays.copyOf(x0, n);
            y0 = Arrays.copyOf(y0, n);
            x1 = Arrays.copyOf(x1, n);
            y1 = Arrays.copyOf(y1, n);
        }
    }
}
