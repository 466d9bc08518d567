package dev.mnistfcn.digits;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link InkBox#find} labels runs of ink through a union-find for speed; this checks it against the definition, a
 * plain breadth-first flood fill of each 8-connected blob, on random noise with blobs in it: same box, same specks
 * erased, same choice of the largest blob when sizes tie.
 */
class InkBoxTest {
    @Test
    void findsTheBoxAndSpecksAFloodFillFinds() {
        Random random = new Random(13);
        int withSpecks = 0;
        for (int t = 0; t < 3_000; t++) {
            int width = 1 + random.nextInt(60), height = 1 + random.nextInt(60);
            float[] values = field(random, width, height);
            float[] expected = values.clone(), actual = values.clone();
            Optional<InkBox> want = floodFill(expected, width);
            assertEquals(want, InkBox.find(actual, width), "field " + t + " (" + width + "×" + height + ")");
            assertArrayEquals(expected, actual, "field " + t + ": the specks erased");
            if (!java.util.Arrays.equals(values, expected)) withSpecks++;
        }
        assertTrue(withSpecks > 1_000, "the fields exercise speck erasing: " + withSpecks);
    }

    /** Noise of some density, a few square blobs of ink on top. */
    private static float[] field(Random random, int width, int height) {
        float density = random.nextFloat();
        float[] v = new float[width * height];
        for (int i = 0; i < v.length; i++) v[i] = random.nextFloat() < density ? random.nextFloat() : 0.3f * random.nextFloat();
        for (int b = random.nextInt(4); b > 0; b--) {
            int cx = random.nextInt(width), cy = random.nextInt(height), r = random.nextInt(10);
            for (int y = Math.max(0, cy - r); y < Math.min(height, cy + r); y++) {
                for (int x = Math.max(0, cx - r); x < Math.min(width, cx + r); x++) v[y * width + x] = 0.9f;
            }
        }
        return v;
    }

    /** The definition: blobs by breadth-first search in reading order; specks erased; box widened to the rim. */
    private static Optional<InkBox> floodFill(float[] v, int width) {
        int height = v.length / width;
        int[] label = new int[v.length];
        List<int[]> blobs = new ArrayList<>(); // {size, x0, y0, x1, y1}
        for (int start = 0; start < v.length; start++) {
            if (v[start] < InkBox.INK || label[start] != 0) continue;
            int[] blob = {0, Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
            blobs.add(blob);
            var queue = new ArrayDeque<Integer>(List.of(start));
            label[start] = blobs.size();
            while (!queue.isEmpty()) {
                int p = queue.poll(), x = p % width, y = p / width;
                blob[0]++;
                blob[1] = Math.min(blob[1], x);
                blob[2] = Math.min(blob[2], y);
                blob[3] = Math.max(blob[3], x + 1);
                blob[4] = Math.max(blob[4], y + 1);
                for (int ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
                    for (int nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
                        int q = ny * width + nx;
                        if (label[q] == 0 && v[q] >= InkBox.INK) {
                            label[q] = blobs.size();
                            queue.add(q);
                        }
                    }
                }
            }
        }
        if (blobs.isEmpty()) return Optional.empty();
        int ink = blobs.stream().mapToInt(b -> b[0]).sum();
        int largest = 0;
        for (int k = 1; k < blobs.size(); k++) if (blobs.get(k)[0] > blobs.get(largest)[0]) largest = k;
        boolean[] speck = new boolean[blobs.size() + 1];
        int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = -1, y1 = -1;
        for (int k = 0; k < blobs.size(); k++) {
            int[] b = blobs.get(k);
            speck[k + 1] = k != largest && b[0] < InkBox.SPECK_SHARE * ink;
            if (speck[k + 1]) continue;
            x0 = Math.min(x0, b[1]);
            y0 = Math.min(y0, b[2]);
            x1 = Math.max(x1, b[3]);
            y1 = Math.max(y1, b[4]);
        }
        for (int p = 0; p < v.length; p++) if (speck[label[p]]) v[p] = 0;
        int margin = Math.max(1, Math.max(x1 - x0, y1 - y0) / 20);
        int bx0 = x0, by0 = y0, bx1 = x1, by1 = y1;
        for (int y = Math.max(0, by0 - margin); y < Math.min(height, by1 + margin); y++) {
            for (int x = Math.max(0, bx0 - margin); x < Math.min(width, bx1 + margin); x++) {
                if (v[y * width + x] < InkBox.RIM) continue;
                x0 = Math.min(x0, x);
                y0 = Math.min(y0, y);
                x1 = Math.max(x1, x + 1);
                y1 = Math.max(y1, y + 1);
            }
        }
        return Optional.of(new InkBox(x0, y0, x1, y1));
    }
}
