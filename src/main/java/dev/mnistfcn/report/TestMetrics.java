package dev.mnistfcn.report;

import dev.mnistfcn.eval.EvalResult;
import org.nd4j.evaluation.classification.Evaluation;

import java.util.ArrayList;
import java.util.List;

/** The test-set figures of {@link Evaluation}, as plain values for JSON and Markdown. */
public record TestMetrics(double accuracy, double macroPrecision, double macroRecall, double macroF1, double loss,
                          int examples, double seconds, List<ClassMetrics> perClass, int[][] confusion) {

    public record ClassMetrics(int digit, double precision, double recall, double f1, int count) {
    }

    /**
     * The classes the model never predicted: DL4J's macro precision and F1 ({@code Evaluation.precision()}, {@code
     * f1()}) average over the others, so they are above the mean of the per-class table, whose rows for these are 0.
     */
    public List<Integer> neverPredicted() {
        List<Integer> never = new ArrayList<>();
        for (int j = 0; j < confusion.length; j++) {
            int predicted = 0;
            for (int[] row : confusion) predicted += row[j];
            if (predicted == 0) never.add(j);
        }
        return never;
    }

    public static TestMetrics of(EvalResult r) {
        Evaluation e = r.evaluation();
        int k = e.getNumRowCounter() > 0 ? e.getConfusionMatrix().getClasses().size() : 10;
        List<ClassMetrics> per = new ArrayList<>();
        int[][] cm = new int[k][k];
        for (int i = 0; i < k; i++) {
            int count = 0;
            for (int j = 0; j < k; j++) {
                cm[i][j] = e.getConfusionMatrix().getCount(i, j);
                count += cm[i][j];
            }
            per.add(new ClassMetrics(i, e.precision(i), e.recall(i), e.f1(i), count));
        }
        return new TestMetrics(e.accuracy(), e.precision(), e.recall(), e.f1(), r.loss(), r.examples(), r.seconds(), per, cm);
    }
}
