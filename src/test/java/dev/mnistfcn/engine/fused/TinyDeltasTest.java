package dev.mnistfcn.engine.fused;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link TinyDeltas#drop}: what it sets to 0 and what it leaves, in whole vectors and the tail. */
class TinyDeltasTest {
    /** The floor is where a δ times a factor of 2⁻¹⁶ would leave the normal range, and no higher. */
    @Test
    void theFloorIsMinNormalTimes2To16() {
        assertEquals(Float.MIN_NORMAL * 0x1p16f, TinyDeltas.FLOOR);
    }

    @Test
    void dropsOnlyValuesUnderTheFloor() {
        float floor = TinyDeltas.FLOOR;
        float[] kept = {floor, -floor, Math.nextUp(floor), 1e-30f, -0.5f, Float.NaN, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, 0f, -0f};
        float[] dropped = {Math.nextDown(floor), -Math.nextDown(floor), Float.MIN_NORMAL, -Float.MIN_VALUE, 1e-40f};
        for (int len = 0; len <= 70; len++) { // every tail length after whole vectors of 4 to 16
            float[] d = new float[len + 1];
            int expected = 0;
            for (int i = 0; i < len; i++) {
                boolean drop = i % 3 == 1;
                d[i] = drop ? dropped[i % dropped.length] : kept[i % kept.length];
                expected += drop ? 1 : 0;
            }
            d[len] = 1e-40f; // past len: untouched
            float[] before = d.clone();
            assertEquals(expected, TinyDeltas.drop(d, len), "count, length " + len);
            for (int i = 0; i < len; i++) {
                float want = i % 3 == 1 ? 0f : before[i];
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(d[i]), "length " + len + ", at " + i);
            }
            assertEquals(1e-40f, d[len], "past len");
        }
    }
}
