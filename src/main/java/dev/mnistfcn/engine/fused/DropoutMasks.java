package dev.mnistfcn.engine.fused;

import java.util.SplittableRandom;

/**
 * The fused engine's dropout: DL4J's {@code Dropout(p)}, inverted dropout on a layer's input with retain
 * probability p — each value kept with probability p and scaled by 1/p, or zeroed — at training only.
 *
 * <p>Why masks drawn from {@code (seed, iteration)} alone, not from a running generator: a resumed run then draws
 * exactly the masks the uninterrupted run would have, from what every checkpoint already holds (the network's
 * seed in its configuration and its iteration count), so there is no generator state to save, restore or get out
 * of step. DL4J's own {@code fit} draws from ND4J's global generator instead, whose position is not saved; so the
 * two engines draw different masks, and {@code FusedDropoutTest} checks the fused one against DL4J with shared
 * masks and checks the masks' statistics on their own.
 */
final class DropoutMasks {
    private final long seed;
    private final double[] retain;     // retain[i]: for layer i's input; 1 where the layer has no dropout
    private final float[][] mask;      // the current batch's masks, row-major, as long as the largest batch

    /** {@code retain[i]} is DL4J's retain probability for layer i's input (1: no dropout there). */
    DropoutMasks(long seed, double[] retain) {
        this.seed = seed;
        this.retain = retain.clone();
        this.mask = new float[retain.length][];
    }

    /** Whether layer {@code i}'s input is dropped at training. */
    boolean drops(int i) {
        return retain[i] < 1;
    }

    /** Draws the masks for one batch of {@code n} rows at {@code iteration}; {@code width[i]}: layer i's inputs. */
    void draw(int iteration, int n, int[] width) {
        SplittableRandom rng = new SplittableRandom(mix(seed, iteration));
        for (int i = 0; i < retain.length; i++) {
            if (!drops(i)) continue;
            int len = n * width[i];
            if (mask[i] == null || mask[i].length < len) mask[i] = new float[len];
            fill(mask[i], len, retain[i], rng);
        }
    }

    /** values ⊙= mask of layer {@code i}'s input over the first {@code len} values (forward and backward alike). */
    void apply(int i, float[] values, int len) {
        float[] m = mask[i];
        for (int k = 0; k < len; k++) values[k] *= m[k];
    }

    /** The current mask of layer {@code i}'s input (for tests that hand the same mask to DL4J). */
    float[] mask(int i) {
        return mask[i];
    }

    /**
     * 1/p with probability p, else 0: two draws from each 64-bit number, each 32-bit half compared with p·2³².
     * Branch-free (the sign of half − threshold), since a branch on a random outcome is often mispredicted: about
     * 1 ms per batch of 128 × 2,832 values (config/tuned.yaml) instead of 4–6 ms with a branch, measured on the
     * loaded 2-core machine.
     */
    static void fill(float[] m, int len, double p, SplittableRandom rng) {
        float kept = (float) (1.0 / p);
        long threshold = (long) (p * 4294967296.0);
        int k = 0;
        for (; k + 1 < len; k += 2) {
            long bits = rng.nextLong();
            m[k] = kept * (((bits & 0xffffffffL) - threshold) >>> 63);
            m[k + 1] = kept * (((bits >>> 32) - threshold) >>> 63);
        }
        if (k < len) m[k] = kept * (((rng.nextLong() >>> 32) - threshold) >>> 63);
    }

    /**
     * A well-mixed generator seed per (seed, iteration): the streams of neighbouring iterations start at unrelated
     * points (SplitMix64's finaliser, as {@code SplittableRandom} mixes its own output).
     */
    static long mix(long seed, int iteration) {
        return mix64(mix64(seed) + iteration);
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
