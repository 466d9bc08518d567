package dev.mnistfcn.report;

import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.eval.EvalResult;
import org.junit.jupiter.api.Test;
import org.nd4j.evaluation.classification.Evaluation;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test line's macro figures are DL4J's, and say so where they leave out a class the model never predicted. */
class TestMetricsTest {
    private static TestMetrics metrics(int[][] actualPredicted) {
        Evaluation e = new Evaluation(3);
        for (int[] ap : actualPredicted) e.eval(ap[1], ap[0]); // eval(predicted, actual)
        return TestMetrics.of(new EvalResult(e, 0.5, actualPredicted.length, 0.01, new float[0]));
    }

    @Test
    void aClassNeverPredictedIsNamedBesideTheMacroFigures() {
        // class 2 is never predicted: DL4J's macro precision averages classes 0 and 1 only (a review found the line
        // above the mean of the per-class table without a word)
        TestMetrics t = metrics(new int[][]{{0, 0}, {0, 0}, {1, 1}, {1, 0}, {2, 1}, {2, 0}});
        assertEquals(List.of(2), t.neverPredicted());
        double rowsMean = t.perClass().stream().mapToDouble(TestMetrics.ClassMetrics::precision).average().orElseThrow();
        assertTrue(t.macroPrecision() > rowsMean + 0.1, t.macroPrecision() + " against " + rowsMean);
        String line = MarkdownReport.testSummary(t, Dataset.MNIST);
        assertTrue(line.contains("F1 " + String.format(java.util.Locale.ROOT, "%.4f", t.macroF1()) + " (precision and "
                + "F1 as DL4J's Evaluation averages them: over the 2 classes predicted at least once; never predicted: "
                + "2); loss 0.5000"), line);

        String every = MarkdownReport.testSummary(metrics(new int[][]{{0, 0}, {1, 1}, {2, 2}, {2, 1}}), Dataset.MNIST);
        assertFalse(every.contains("never predicted"), every);
        assertTrue(MarkdownReport.testSummary(t, Dataset.FASHION_MNIST).contains("never predicted: Pullover)"),
                "Fashion-MNIST's classes by name, as its tables name them");
    }
}
