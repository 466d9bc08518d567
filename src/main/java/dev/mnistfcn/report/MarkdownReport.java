package dev.mnistfcn.report;

import dev.mnistfcn.ModelProvenance;
import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.eval.EpochStats;

import java.util.List;
import java.util.Locale;

/** The human-readable report of a run: test metrics, per-class table, confusion matrix, history, provenance. */
public final class MarkdownReport {
    private MarkdownReport() {
    }

    /** report.md: {@link #body} and the model's provenance. */
    public static String render(RunMetrics m) {
        return body(m) + provenance(m.provenance());
    }

    /** Test metrics, per-class table, confusion matrix and history: what the console shows at a run's end. */
    public static String body(RunMetrics m) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(m.name()).append(": test-set report\n\n");
        Dataset dataset = Dataset.of(m.config().data());
        String settings = TrainingSettings.joined(m.config());
        sb.append(String.format(Locale.ROOT, "Network %s (%,d parameters) on %s, %d epoch%s of batch %d, %s, seed %d%s.%n%n",
                m.architecture(), m.parameters(), dataset.title(), m.history().size(), m.history().size() == 1 ? "" : "s",
                m.config().training().batchSize(), TrainingSettings.optimiser(m.config()), m.config().seed(),
                settings.isEmpty() ? "" : "; " + settings));
        if (m.earlyStopping() != null) sb.append(m.earlyStopping().sentence()).append(" The test figures are that epoch's.\n\n");
        sb.append(testSummary(m.test(), dataset));
        sb.append(classTables(m.test(), dataset));
        sb.append("\n## Training history\n\n| epoch | train loss | val loss | val acc | train s | examples/s |\n"
                + "|---:|---:|---:|---:|---:|---:|\n");
        int kept = m.earlyStopping() == null ? -1 : m.earlyStopping().bestModelEpoch();
        for (EpochStats s : m.history()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.2f%% | %.2f | %.0f |%n",
                    s.epoch() == kept ? s.epoch() + " (kept)" : Integer.toString(s.epoch()), s.trainLoss(),
                    s.validationLoss(), 100 * s.validationAccuracy(), s.trainSeconds(), s.examplesPerSecond()));
        }
        return sb.toString();
    }

    /** The provenance's lines ({@link ModelProvenance#lines}, as {@code inspect} prints them) as a section. */
    static String provenance(ModelProvenance p) {
        return p == null ? "" : "\n## Provenance\n\n```text\n" + String.join("\n", p.lines()) + "\n```\n";
    }

    public static String testSummary(TestMetrics t, Dataset dataset) {
        List<Integer> never = t.neverPredicted();
        String over = never.isEmpty() || never.size() == t.perClass().size() ? "" : String.format(Locale.ROOT,
                " (precision and F1 as DL4J's Evaluation averages them: over the %d classes predicted at least once; "
                        + "never predicted: %s)", t.perClass().size() - never.size(),
                never.stream().map(dataset::label).collect(java.util.stream.Collectors.joining(", ")));
        return String.format(Locale.ROOT, "Test accuracy %.2f%% on %,d images; macro precision %.4f, recall %.4f, F1 %.4f%s; "
                        + "loss %.4f; evaluated in %.2f s.%n", 100 * t.accuracy(), t.examples(), t.macroPrecision(),
                t.macroRecall(), t.macroF1(), over, t.loss(), t.seconds());
    }

    /** Per-class table and confusion matrix, classes by name (Fashion-MNIST's) or digit. */
    public static String classTables(TestMetrics t, Dataset dataset) {
        StringBuilder sb = new StringBuilder();
        sb.append("\n## Per class\n\n| ").append(dataset.classWord())
                .append(" | precision | recall | F1 | count |\n|---|---:|---:|---:|---:|\n");
        for (TestMetrics.ClassMetrics c : t.perClass()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %d |%n", dataset.label(c.digit()), c.precision(),
                    c.recall(), c.f1(), c.count()));
        }
        sb.append("\n## Confusion matrix (rows: true ").append(dataset.classWord()).append(", columns: predicted)\n\n")
                .append(confusionTable(t.confusion(), dataset));
        return sb.toString();
    }

    /** A confusion matrix as a Markdown table, rows = true class, headed by the class names. */
    public static String confusionTable(int[][] m, Dataset dataset) {
        StringBuilder sb = new StringBuilder("|   |");
        for (int j = 0; j < m.length; j++) sb.append(' ').append(dataset.label(j)).append(" |");
        sb.append("\n|---|").append("---:|".repeat(m.length)).append('\n');
        for (int i = 0; i < m.length; i++) {
            sb.append("| **").append(dataset.label(i)).append("** |");
            for (int v : m[i]) sb.append(' ').append(v).append(" |");
            sb.append('\n');
        }
        return sb.toString();
    }
}
