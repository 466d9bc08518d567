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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Distorted epochs of real MNIST digits: what a resumed run and a straight run both see, whichever threads make them. */
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

    /**
     * With a maker (the fused engine's row workers) the next epoch is made a share after each batch, on several
     * threads at once, and listed row by row in order: the same images as the producer thread's.
     */
    @Test
    void imagesMadeBetweenBatchesAreTheProducersOwn() {
        INDArray byProducer;
        try (var producer = new AugmentedEpochs(train, SPEC, 9, 3)) {
            producer.epoch(1);
            byProducer = producer.epoch(2).getFeatures().dup();
        }
        int rows = train.numExamples();
        AtomicInteger counted = new AtomicInteger(), placed = new AtomicInteger(), listed = new AtomicInteger(),
                completed = new AtomicInteger();
        EpochMaker maker = new EpochMaker() {
            @Override
            public int threads() {
                return 3;
            }

            @Override
            public void run(int tasks, IntConsumer task) {
                IntStream.range(0, tasks).parallel().forEach(task);
            }

            @Override
            public RowListing listing(DataSet data) {
                placed.set(0);
                listed.set(0);
                counted.set(0);
                return new RowListing() {
                    @Override
                    public void count(int from, int to) {
                        assertTrue(from >= placed.get(), "rows are counted before they are placed");
                        counted.addAndGet(to - from);
                    }

                    @Override
                    public void place(int from, int to) {
                        assertEquals(placed.get(), from, "rows are placed in order, each once");
                        assertEquals(to, counted.get(), "rows are placed once counted");
                        placed.set(to);
                    }

                    @Override
                    public void list(int from, int to) {
                        assertTrue(to <= placed.get(), "rows are listed once placed");
                        listed.addAndGet(to - from);
                    }

                    @Override
                    public void complete() {
                        assertEquals(rows, listed.get(), "every row listed before the set is used");
                        completed.incrementAndGet();
                    }
                };
            }
        };
        try (var between = new AugmentedEpochs(train, SPEC, 9, 3, made -> fail("listed row by row instead"), maker, 50)) {
            between.epoch(1);
            assertEquals(1, completed.get(), "the first epoch is made at once");
            for (int b = 0; b < (rows + 49) / 50; b++) between.afterBatch();
            assertEquals(rows, listed.get(), "the next epoch is made within this epoch's batches");
            assertEquals(byProducer, between.epoch(2).getFeatures());
            assertEquals(2, completed.get());
        }
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
