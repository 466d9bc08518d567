package dev.mnistfcn.sweep;

import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.eval.Stats;
import dev.mnistfcn.report.ComparisonTable;
import dev.mnistfcn.report.HtmlReport;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.report.Svg;
import dev.mnistfcn.storage.RunFolder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.mnistfcn.report.Svg.esc;

/**
 * A sweep's results as a Markdown table and a self-contained HTML page (inline SVG, as the run reports): the
 * metric against each parameter, the learning curves of the top trials, and a link to the best trial's report.
 */
final class SweepReport {
    /** Learning curves drawn for this many of the best trials. */
    static final int TOP = 5;

    private SweepReport() {
    }

    /**
     * The runs that failed, after the table: they are not ranked, and results.md and report.html left them out
     * without a word, "2 trials" of a 3-trial sweep (a review). Empty where none failed.
     */
    static String failed(List<String> runs) {
        return runs.isEmpty() ? "" : "Failed, so not ranked (each one's error is in the console and in "
                + "sweep-progress.json): " + String.join(", ", runs.stream().sorted().toList()) + ".";
    }

    static String markdown(SweepFile sweep, List<TrialResult> ranked, List<String> failedRuns) {
        StringBuilder sb = new StringBuilder();
        List<String> keys = sweep.parameters().stream().map(Parameter::key).toList();
        sb.append("| rank | trial | ").append(String.join(" | ", keys)).append(" | epochs | ")
                .append(sweep.metric().key()).append(stopping(ranked) ? " of the kept epoch" : "")
                .append(" (mean ± std) | test accuracy (reported only) | seeds |\n");
        sb.append("|---:|---|").append("---|".repeat(keys.size())).append("---:|---:|---:|---:|\n");
        for (int i = 0; i < ranked.size(); i++) {
            TrialResult r = ranked.get(i);
            sb.append("| ").append(i + 1).append(" | ").append(r.trial().name()).append(" | ");
            for (String k : keys) sb.append(cell(r.trial().values().get(k))).append(" | ");
            int n = r.runs().size();
            sb.append(String.format(Locale.ROOT, "%s | %s | %s | %d |%n", epochs(r),
                    Stats.plusMinus("%.4f", "%.4f", r.mean(), r.std(), n),
                    Stats.plusMinus("%.2f%%", "%.2f", 100 * r.testAccuracyMean(), 100 * r.testAccuracyStd(), n), n));
        }
        if (!failedRuns.isEmpty()) sb.append('\n').append(cell(failed(failedRuns))).append('\n');
        return sb.toString();
    }

    /**
     * A value as one Markdown table cell: a data.dir with '|' shifted the row's columns, one with '<img onerror>' was
     * raw HTML to a Markdown viewer, and a line break split the row (a review).
     */
    static String cell(String value) {
        return String.valueOf(value).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
                .replaceAll("[\\r\\n]+", " ");
    }

    static String html(SweepFile sweep, List<TrialResult> ranked, List<String> failedRuns, Path folder) {
        String title = "mnist-fcn sweep: " + sweep.name();
        TrialResult best = ranked.get(0);
        Path bestReport = folder.relativize(RunFolder.of(sweep.config(best.trial(), 0)).htmlReport());
        StringBuilder sb = HtmlReport.page(title, CSS);
        sb.append(String.format(Locale.ROOT, "<p class=\"summary\">%d trial(s) of <code>%s</code>, %s, %d seed(s) each, "
                        + "chosen by %s. Best: <b>%s</b> (%s), %s; its <a class=\"best\" href=\"%s\">full report</a>.</p>\n",
                ranked.size(), esc(sweep.base().toString()), esc(sweep.strategy()), sweep.seeds(), sweep.metric().key(),
                esc(best.trial().name()), esc(best.trial().describe()),
                Stats.plusMinus("%.4f", "%.4f", best.mean(), best.std(), best.runs().size()),
                esc(bestReport.toString().replace('\\', '/'))));
        if (!failedRuns.isEmpty()) sb.append("<p class=\"failed\">").append(esc(failed(failedRuns))).append("</p>\n");
        sb.append("<h2>Results</h2>\n").append(table(sweep, ranked));
        sb.append("<h2>").append(sweep.metric().key()).append(" against each parameter</h2>\n<p class=\"note\">One dot per "
                + "run (seed); trials cut by halving are grey.</p>\n<div class=\"row\">");
        int epochs = best.epochs();
        for (Parameter p : sweep.parameters()) sb.append(scatter(sweep, p, ranked, epochs));
        sb.append("</div>\n<h2>Learning curves of the top trials</h2>\n<p class=\"note\">Validation accuracy by epoch: "
                + "lines are means over seeds, bands lowest to highest seed.</p>\n<div class=\"row\">");
        List<Svg.Series> series = new ArrayList<>();
        for (TrialResult r : ranked.stream().filter(r -> r.epochs() == epochs).limit(TOP).toList()) {
            double[][] c = curve(r);
            series.add(new Svg.Series(curveLabel(r.trial()), c[0], c[1], c[2]));
        }
        sb.append(Svg.lineChart("validation accuracy %, top " + series.size(), "curve top-curves", series, "%.2f"));
        sb.append("</div>\n<p class=\"note\">Written by mnist-fcn sweep. Inline SVG only: this file needs nothing else.</p>\n</body></html>\n");
        return sb.toString();
    }

    private static String table(SweepFile sweep, List<TrialResult> ranked) {
        StringBuilder sb = new StringBuilder("<table class=\"sweep\"><tr><th>rank</th><th>trial</th>");
        for (Parameter p : sweep.parameters()) sb.append("<th>").append(esc(p.key())).append("</th>");
        sb.append("<th>epochs</th><th>").append(sweep.metric().key()).append("</th><th>test accuracy</th></tr>");
        for (int i = 0; i < ranked.size(); i++) {
            TrialResult r = ranked.get(i);
            sb.append("<tr><td>").append(i + 1).append("</td><td>").append(esc(r.trial().name())).append("</td>");
            for (Parameter p : sweep.parameters()) sb.append("<td>").append(esc(r.trial().values().get(p.key()))).append("</td>");
            sb.append(String.format(Locale.ROOT, "<td>%s</td><td>%s</td><td>%.2f%%</td></tr>", epochs(r),
                    Stats.plusMinus("%.4f", "%.4f", r.mean(), r.std(), r.runs().size()), 100 * r.testAccuracyMean()));
        }
        return sb.append("</table>\n").toString();
    }

    /** Whether the trials have early stopping: the metric is then each run's kept epoch's, not its last one's. */
    private static boolean stopping(List<TrialResult> ranked) {
        return ranked.stream().flatMap(r -> r.runs().stream()).anyMatch(m -> m.earlyStopping() != null);
    }

    /** The round's epochs, or with early stopping those trained and kept, as the compare table has them. */
    private static String epochs(TrialResult r) {
        return ComparisonTable.epochs(r.runs(), r.epochs());
    }

    /** Mean, lowest and highest validation accuracy (%) over the seeds, by epoch, up to the shortest seed's last. */
    private static double[][] curve(TrialResult r) {
        int n = r.runs().stream().mapToInt(m -> m.history().size()).min().orElse(0);
        double[][] c = new double[3][n];
        for (int e = 0; e < n; e++) {
            double sum = 0, lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
            for (RunMetrics m : r.runs()) {
                EpochStats s = m.history().get(e);
                double v = 100 * s.validationAccuracy();
                sum += v;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            c[0][e] = sum / r.runs().size();
            c[1][e] = lo;
            c[2][e] = hi;
        }
        return c;
    }

    /**
     * The metric against one parameter: numbers on a numeric axis (logarithmic for log_uniform, or values that span
     * more than 30×), anything else (layer lists, activations) one column per value.
     */
    private static String scatter(SweepFile sweep, Parameter p, List<TrialResult> ranked, int finalEpochs) {
        int w = 420, h = 240, left = 56, right = 16, top = 28, bottom = 40;
        List<String> categories = new ArrayList<>(p.values());
        boolean numeric = ranked.stream().allMatch(r -> isNumber(r.trial().values().get(p.key())));
        double xlo = Double.MAX_VALUE, xhi = -Double.MAX_VALUE, ylo = Double.MAX_VALUE, yhi = -Double.MAX_VALUE;
        for (TrialResult r : ranked) {
            if (numeric) {
                double x = Double.parseDouble(r.trial().values().get(p.key()));
                xlo = Math.min(xlo, x);
                xhi = Math.max(xhi, x);
            } else if (!categories.contains(r.trial().values().get(p.key()))) {
                categories.add(r.trial().values().get(p.key()));
            }
            for (double v : r.values()) {
                if (Double.isNaN(v)) continue;
                ylo = Math.min(ylo, v);
                yhi = Math.max(yhi, v);
            }
        }
        // Log where the values are: a log_uniform range, or positive values a decade or more apart (a learning-rate
        // list 0.001 … 0.03 is spread by ratios, and a linear axis crowds its small values into one corner).
        boolean log = numeric && xlo > 0 && ((p.range() != null && p.range().kind().equals("log_uniform")) || xhi / xlo >= 10);
        if (log) {
            xlo = Math.log10(xlo);
            xhi = Math.log10(xhi);
        }
        if (xhi - xlo < 1e-12) xhi = xlo + 1;
        if (yhi - ylo < 1e-12) yhi = ylo + 1e-3;
        double xpad = (xhi - xlo) * 0.08, ypad = (yhi - ylo) * 0.08;
        xlo -= xpad;
        xhi += xpad;
        ylo -= ypad;
        yhi += ypad;
        String title = sweep.metric().key() + " vs " + p.key();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "<svg class=\"chart scatter\" data-parameter=\"%s\" "
                + "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\"><text x=\"%d\" y=\"16\" "
                + "class=\"title\">%s</text>", esc(p.key()), w, h, w, h, esc(title), left, esc(title)));
        for (int k = 0; k <= 4; k++) {
            double v = ylo + (yhi - ylo) * k / 4, y = top + (h - top - bottom) * (1 - k / 4.0);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text "
                    + "x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%.4f</text>", left, w - right, y, y, left - 4, y + 4, v));
        }
        List<Double> tried = numeric ? ranked.stream().map(r -> Double.parseDouble(r.trial().values().get(p.key())))
                .distinct().sorted().toList() : List.of();
        // Ticks at the values tried when they are few (a list), else evenly spaced (a range).
        boolean atTried = numeric && tried.size() <= 6;
        int ticks = !numeric ? categories.size() - 1 : atTried ? tried.size() - 1 : 4;
        for (int k = 0; k <= ticks; k++) {
            double xv = !numeric ? k : atTried ? (log ? Math.log10(tried.get(k)) : tried.get(k))
                    : xlo + xpad + (xhi - xlo - 2 * xpad) * k / Math.max(1, ticks);
            String label = numeric ? String.format(Locale.ROOT, "%.3g", log ? Math.pow(10, xv) : xv) : label(categories.get(k));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>",
                    px(numeric ? xv : k, numeric, xlo, xhi, categories.size(), left, w - right), h - bottom + 14, esc(label)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s%s</text>",
                (left + w - right) / 2, h - 6, esc(p.key()), log ? " (log scale)" : ""));
        for (TrialResult r : ranked) {
            String value = r.trial().values().get(p.key());
            double xv = numeric ? (log ? Math.log10(Double.parseDouble(value)) : Double.parseDouble(value)) : categories.indexOf(value);
            for (double v : r.values()) {
                if (Double.isNaN(v)) continue;
                double y = top + (h - top - bottom) * (1 - (v - ylo) / (yhi - ylo));
                sb.append(String.format(Locale.ROOT, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>%s "
                                + "(%s = %s): %.4f</title></circle>", r.epochs() == finalEpochs ? "dot" : "dot cut",
                        px(xv, numeric, xlo, xhi, categories.size(), left, w - right), y,
                        r.epochs() == finalEpochs ? Svg.PALETTE[0] : "#aaa", esc(r.trial().name()), esc(p.key()),
                        esc(numeric ? value : label(value)), v));
            }
        }
        return sb.append("</svg>").toString();
    }

    private static double px(double v, boolean numeric, double lo, double hi, int categories, int x0, int x1) {
        if (!numeric) return x0 + (x1 - x0) * (v + 0.5) / Math.max(1, categories);
        return x0 + (x1 - x0) * (v - lo) / (hi - lo);
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A trial's line in the learning curves: its name and values as the axes show them ({@code t06 256-64, 0.003}). */
    static String curveLabel(Trial t) {
        return t.name() + " " + String.join(", ", t.values().values().stream().map(SweepReport::label).toList());
    }

    private static final java.util.regex.Pattern UNITS = java.util.regex.Pattern.compile("\"?units\"?\\s*[:=]\\s*(\\d+)");

    /**
     * A category as a short axis label: a list of hidden layers by its widths ({@code 256-64}, as the tables say),
     * anything else cut to 14 characters (the whole value is in each dot's tooltip and the results table).
     */
    static String label(String value) {
        var m = UNITS.matcher(value);
        List<String> widths = new ArrayList<>();
        while (m.find()) widths.add(m.group(1));
        if (value.startsWith("[") && !widths.isEmpty()) return String.join("-", widths);
        return value.length() <= 14 ? value : value.substring(0, 13) + "…";
    }

    private static final String CSS = """
            table.sweep{border-collapse:collapse;font-size:13px}table.sweep th,table.sweep td{border:1px solid #ddd;padding:4px 8px;text-align:right}
            table.sweep th{background:#f4f6f8}
            """;
}
