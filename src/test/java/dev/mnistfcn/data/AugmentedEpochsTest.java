package dev.mnistfcn.data;

import dev.mnistfcn.TestData;
import dev.mnistfcn.config.AugmentSpec;
import dev.mnistfcn.config.DataSpec;
import dev.mnistfcn.config.ElasticSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Distorted epochs of real MNIST digits from the producer thread: what a resumed run and a straight run both see. */
class AugmentedEpochsTest {
    private static final AugmentSpec SPEC = new AugmentSpec(10.0, List.of(0.9, 1.1), 10.0, 2.0, new ElasticSpec(34.0, 4.0));
    private static DataSet train;

    @BeforeAll
    static void load() {
        train = MnistSplits.load(new DataSpec(null, TestData.mnistDir().toString(), 5000, 600), TestData.mnistDir()).train();
    }

    @Test
    void eachRowIsItsExampleDistortedForThatEpochWhateverCameBefore() {
        INDArray before = train.getFeatures().dup();
        INDArray epoch3;
        try (var straight = new AugmentedEpochs(train, SPEC, 9, 5)) {
            straight.epoch(1);
            INDArray epoch2 = straight.epoch(2).getFeatures().dup();
            DataSet third = straight.epoch(3);
            epoch3 = third.getFeatures().dup();
            assertSame(train.getLabels(), third.getLabels(), "labels and row order unchanged");
            assertNotEquals(epoch2, epoch3, "each epoch its own distortions");
        }
        try (var resumed = new AugmentedEpochs(train, SPEC, 9, 5)) {
            assertEquals(epoch3, resumed.epoch(3).getFeatures(), "a run resumed at epoch 3 sees the same images");
        }
        Distortion d = new Distortion(SPEC, 28);
        float[] out = new float[784];
        for (int row : new int[]{0, 17, 599}) {
            d.apply(train.getFeatures().getRow(row).toFloatVector(), out, 9, 3, row);
            assertArrayEquals(out, epoch3.getRow(row).toFloatVector(), "row " + row + " is example " + row);
        }
        assertEquals(before, train.getFeatures(), "the training images themselves are never changed");
    }

    @Test
    void distortedDigitsKeepTheirInkAndStayInTheFrame() {
        try (var epochs = new AugmentedEpochs(train, SPEC, 1, 1)) {
            INDArray x = epochs.epoch(1).getFeatures();
            double inkBefore = train.getFeatures().sumNumber().doubleValue();
            double inkAfter = x.sumNumber().doubleValue();
            // Scale [0.9, 1.1] changes a digit's area by up to ±21%; on average the ink stays about the same.
            assertEquals(1, inkAfter / inkBefore, 0.05, "total ink " + inkAfter + " vs " + inkBefore);
            assertTrue(x.minNumber().doubleValue() >= 0 && x.maxNumber().doubleValue() <= 1, "pixels stay in [0, 1]");
            // MNIST is sparse; the distorted digits must stay so for the fused engine's sparse first layer (SparseForward.MAX_DENSITY, 30%).
            double nonZero = x.neq(0).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).meanNumber().doubleValue();
            assertTrue(nonZero < 0.3, "share of non-zero pixels " + nonZero);
        }
    }
}
