package dev.mnistfcn.report;

import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.train.EarlyStoppingOutcome;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The table and the noise sentences from known metrics, not from training. */
class ComparisonTableTest {

    static RunMetrics run(double testAcc, double... valAcc) {
        List<EpochStats> h = new ArrayList<>();
        for (int e = 0; e < valAcc.length; e++) {
            h.add(new EpochStats(e + 1, 0.5 / (e + 1), 0.4 / (e + 1), valAcc[e], 10.0 + e, 1.0, 55_000));
        }
        int[][] cm = new int[10][10];
        for (int i = 0; i < 10; i++) cm[i][i] = 1000;
        cm[4][9] = 7;
        var test = new TestMetrics(testAcc, testAcc, testAcc, testAcc - 0.001, 0.1, 10_000, 0.1, List.of(), cm);
        var cfg = new ExperimentConfig("x", null, null, null, null, null, null);
        return new RunMetrics("x", "784-10", 7850, "fused", cfg, h, test, Map.of(), Map.of(), null);
    }

    static ConfigResult result(String label, int hidden, double... testAccs) {
        List<RunMetrics> runs = new ArrayList<>();
        for (double a : testAccs) runs.add(run(a, 0.95, 0.97, 0.96));
        return new ConfigResult(label, "784-…-10", hidden, 200_000 + hidden, 3, runs, 12.5, 1_900_000, List.of());
    }

    @Test
    void rowsFollowTheGivenOrderWithMeanAndSampleStd() {
        String md = ComparisonTable.markdown(List.of(result("two-layer", 2, 0.970, 0.972, 0.974),
                result("one-layer", 1, 0.968, 0.968, 0.968)));
        String[] lines = md.split("\n");
        assertEquals(4, lines.length);
        assertTrue(lines[2].startsWith("| two-layer | 2 | 200,002 | 3 |"), lines[2]);
        assertTrue(lines[3].startsWith("| one-layer | 1 |"), lines[3]);
        assertTrue(lines[2].contains("97.20% ± 0.20 (n=3)"), lines[2]);
        assertTrue(lines[3].contains("96.80% ± 0.00 (n=3)"), lines[3]);
        // seconds/epoch: median of 10, 11, 12 over all seeds; best val 97% at epoch 2 in each seed
        assertTrue(lines[2].contains("| 11.00 |"), lines[2]);
        assertTrue(lines[2].contains("97.00% (2, 2, 2)"), lines[2]);
        assertTrue(lines[2].contains("| 12.5 | 1.90 MB |"), lines[2]);
        // examples/s: an epoch's 55,000 images over the median epoch's 11 s
        assertTrue(lines[2].contains("| 11.00 | 5,000 |"), lines[2]);
    }

    /** One seed has no spread to show (it read "± 0.00"); two epochs' median time and rate agree (a review). */
    @Test
    void oneSeedShowsNoSpreadAndTheRateIsTheMedianEpochs() {
        var one = new ConfigResult("a", "784-10", 0, 7850, 2, List.of(run(0.97, 0.9, 0.95)), 1, 1, List.of());
        String row = ComparisonTable.markdown(List.of(one)).split("\n")[2];
        assertTrue(row.contains("| 97.00% (n=1) |"), row);
        assertTrue(row.contains("| 10.50 | 5,238 |"), row); // 55,000 / 10.5 s; the median of the rates said 5,250
    }

    /** A run of {@code trained} epochs that early stopping ended, keeping {@code kept}. */
    static RunMetrics stopped(int trained, int kept) {
        RunMetrics r = run(0.97, new double[trained]);
        var es = new EarlyStoppingOutcome("val_loss", 2, 0, trained < 20, trained, kept, 0.1,
                "EpochTerminationCondition", "ScoreImprovementEpochTerminationCondition");
        return new RunMetrics("x", "784-10", 7850, "fused", r.config(), r.history(), r.test(), Map.of(), Map.of(), es);
    }

    @Test
    void earlyStoppedRunsShowTheEpochsTrainedAndKeptPerSeed() {
        assertEquals("20", ComparisonTable.epochs(List.of(run(0.9, 0.9, 0.9)), 20), "no early stopping: training.epochs");
        assertEquals("12 (kept 7)", ComparisonTable.epochs(List.of(stopped(12, 7)), 20));
        assertEquals("12, 9, 20 (kept 10, 7, 18)", ComparisonTable.epochs(List.of(stopped(12, 10), stopped(9, 7),
                stopped(20, 18)), 20), "per seed, in seed order");
        assertEquals("20 (kept 18, 20)", ComparisonTable.epochs(List.of(stopped(20, 18), stopped(20, 20)), 20),
                "a list that is the same for every seed is shown once");
        var row = ComparisonTable.markdown(List.of(new ConfigResult("es", "784-10", 0, 7850, 20,
                List.of(stopped(12, 10), stopped(9, 7)), 1, 1, List.of()))).split("\n")[2];
        assertTrue(row.startsWith("| es | 0 | 7,850 | 12, 9 (kept 10, 7) | "), row);
    }

    /** The curves are means over seeds and end where the first seed stopped; the report did not say so. */
    @Test
    void curvesCutAtTheShortestSeedSaySo() {
        var result = new ConfigResult("es", "784-10", 0, 7850, 20, List.of(stopped(3, 2), stopped(5, 4)), 1, 1, List.of());
        String md = HtmlReport.markdown("t", List.of(result), true);
        assertTrue(md.contains("kept epochs 2, 4 (per seed, in seed order). The curves end at epoch 3, where the first "
                + "seed stopped"), md);
        assertTrue(HtmlReport.render("t", List.of(result), true).contains("The curves end at epoch 3"));
        var same = new ConfigResult("es", "784-10", 0, 7850, 20, List.of(stopped(5, 2), stopped(5, 4)), 1, 1, List.of());
        assertFalse(HtmlReport.markdown("t", List.of(same), true).contains("The curves end"), "no cut, nothing said");
    }

    @Test
    void gapWithinNoiseSaysSo() {
        var a = result("one-layer", 1, 0.967, 0.969, 0.971);
        var b = result("two-layer", 2, 0.968, 0.970, 0.972);
        String s = ComparisonTable.noiseSentence(a, b);
        assertTrue(s.contains("differ by 0.10 points") && s.contains("within the seed noise"), s);
        assertTrue(s.contains("does not show that either is more accurate"), s);
    }

    @Test
    void gapBeyondNoiseNamesTheBetterConfig() {
        var a = result("one-layer", 1, 0.960, 0.961, 0.962);
        var b = result("two-layer", 2, 0.970, 0.971, 0.972);
        String s = ComparisonTable.noiseSentence(a, b);
        assertTrue(s.startsWith("two-layer is more accurate than one-layer by 1.00 points, larger than the seed noise"), s);
    }

    /** MNIST against Fashion-MNIST: a gap in accuracy says nothing about the configs, and the sentence says so. */
    @Test
    void accuraciesOnDifferentDatasetsAreNotCompared() {
        var mnist = result("two-layer", 2, 0.970, 0.972, 0.974);
        RunMetrics r = mnist.runs().get(0);
        var fashionConfig = new ExperimentConfig("f", null, null, null,
                new dev.mnistfcn.config.DataSpec("fashion-mnist", "/usr/share/datasets/fashion-mnist", 5000, 0), null, null);
        RunMetrics fashionRun = new RunMetrics("f", "784-10", 7850, "fused", fashionConfig, r.history(), r.test(),
                Map.of(), Map.of(), null);
        var fashion = new ConfigResult("fashion-two-layer", "784-…-10", 2, 200_002, 3, List.of(fashionRun, fashionRun),
                12.5, 1_900_000, List.of());
        assertEquals("two-layer and fashion-two-layer are tested on different datasets (MNIST, Fashion-MNIST): their "
                + "accuracies are not comparable.", ComparisonTable.noiseSentence(mnist, fashion));
    }

    @Test
    void oneSeedCannotTell() {
        String s = ComparisonTable.noiseSentence(result("a", 1, 0.96), result("b", 2, 0.97));
        assertTrue(s.contains("seed noise is unknown") && s.contains("--seeds 3"), s);
        assertEquals(6, ComparisonTable.pairSentences(List.of(result("a", 1, 0.9), result("b", 1, 0.9),
                result("c", 1, 0.9))).size(), "two sentences per pair");
    }

    @Test
    void speedIsTheRatioOfMedianEpochSeconds() {
        var slow = new ConfigResult("two-layer-dl4j", "784-10", 0, 7850, 3, List.of(run(0.9, 0.9, 0.9, 0.9)), 1, 1,
                List.of());
        var fastRun = run(0.9, 0.9, 0.9, 0.9);
        var fastHistory = fastRun.history().stream().map(s -> new EpochStats(s.epoch(), s.trainLoss(),
                s.validationLoss(), s.validationAccuracy(), s.trainSeconds() / 4, 1.0, 55_000)).toList();
        var fast = new ConfigResult("two-layer-fused", "784-10", 0, 7850, 3, List.of(new RunMetrics("x", "784-10",
                7850, "fused", fastRun.config(), fastHistory, fastRun.test(), Map.of(), Map.of(), null)), 1, 1, List.of());
        assertEquals("two-layer-fused trains an epoch in 2.75 s, two-layer-dl4j in 11.00 s (median over all epochs "
                + "and seeds): 4.0× as fast.", ComparisonTable.speedSentence(slow, fast));
    }

    @Test
    void curvesAndConfusionCombineSeeds() {
        var r = new ConfigResult("a", "784-10", 0, 7850, 3, List.of(run(0.9, 0.90, 0.92, 0.94), run(0.9, 0.80, 0.96, 0.94)),
                1, 1, List.of());
        double[][] acc = r.curve(EpochStats::validationAccuracy);
        assertEquals(0.85, acc[0][0], 1e-12);
        assertEquals(0.80, acc[1][0], 1e-12);
        assertEquals(0.90, acc[2][0], 1e-12);
        assertEquals(2000, r.confusion()[0][0]);
        assertEquals(14, r.confusion()[4][9]);
    }
}
