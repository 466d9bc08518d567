package dev.mnistfcn.report;

import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.digits.DigitImages;
import dev.mnistfcn.Mnist;
import dev.mnistfcn.eval.Mistakes.Mistake;
import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.train.EarlyStoppingOutcome;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import static dev.mnistfcn.report.Svg.esc;

/**
 * One self-contained HTML file: inline SVG charts, digits as inline PNG data URIs, inline CSS, no
 * script and no external reference, so it opens anywhere without a network.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    /**
     * A page's start, up to its {@code <h1>}: the style every report shares (body, headings, notes, rows of charts,
     * {@link Svg#CSS}) and the page's own {@code css}.
     */
    public static StringBuilder page(String title, String css) {
        // the viewport: without it a phone laid the report out 980 px wide and zoomed it out to 5 px text
        return new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
                .append(esc(title)).append("</title>\n<style>").append(PAGE_CSS).append(Svg.CSS).append(css)
                .append("</style></head><body>\n<h1>").append(esc(title)).append("</h1>\n");
    }

    private static final String PAGE_CSS = """
            body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1320px;color:#222;padding:0 16px}
            h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}.note{color:#666;font-size:12px}
            .row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}.scroll{overflow-x:auto}
            """;

    /** {@code comparison}: add the table, noise sentences and the time/parameter bars. */
    public static String render(String title, List<ConfigResult> results, boolean comparison) {
        StringBuilder sb = page(title, CSS);
        if (comparison) {
            sb.append("<h2>Comparison</h2>\n<div class=\"scroll\">").append(table(results))
                    .append("</div><ul class=\"noise\">"); // the table scrolls on its own on a phone
            for (String s : ComparisonTable.pairSentences(results)) sb.append("<li>").append(esc(s)).append("</li>");
            sb.append("</ul>\n<div class=\"row\">");
            List<String> labels = results.stream().map(ConfigResult::label).toList();
            sb.append(Svg.barChart("Seconds per epoch (median)", "bars time", labels,
                    results.stream().mapToDouble(ConfigResult::secondsPerEpoch).toArray(), "%.2f s"));
            sb.append(Svg.barChart("Parameters", "bars params", labels,
                    results.stream().mapToDouble(ConfigResult::parameters).toArray(), "%,.0f"));
            sb.append("</div>\n");
        } else {
            ConfigResult r = results.get(0);
            sb.append(String.format(Locale.ROOT, "<p class=\"summary\">%s, %,d parameters, %d epoch%s: test accuracy "
                            + "<b>%.2f%%</b> on %s, macro F1 %.4f, test loss %.4f.</p>\n", esc(r.architecture()), r.parameters(),
                    r.epochs(), r.epochs() == 1 ? "" : "s", 100 * r.testAccuracyMean(), esc(r.dataset().title()),
                    r.macroF1Mean(), r.testLossMean()));
            var config = r.runs().get(0).config();
            String settings = TrainingSettings.joined(config);
            sb.append(String.format(Locale.ROOT, "<p class=\"settings\">Batch %d, %s, seed %d%s.</p>%n",
                    config.training().batchSize(), esc(TrainingSettings.optimiser(config)), config.seed(),
                    settings.isEmpty() ? "" : "; " + esc(settings)));
            EarlyStoppingOutcome es = r.runs().get(0).earlyStopping();
            if (es != null) sb.append("<p class=\"early-stopping\">").append(esc(es.sentence())).append("</p>\n");
        }
        boolean seeds = results.stream().anyMatch(r -> r.runs().size() > 1); // a single run's report has no seeds to average
        sb.append("<h2>Learning curves</h2>\n");
        if (seeds) sb.append("<p class=\"note\">Lines: mean over seeds; bands: lowest to highest seed.</p>\n");
        for (ConfigResult r : results) {
            sb.append("<section class=\"config\" data-config=\"").append(esc(r.label())).append("\"><h3>")
                    .append(esc(r.label())).append(" <small>").append(esc(r.architecture())).append(", ")
                    .append(r.runs().size()).append(r.runs().size() == 1 ? " seed" : " seeds").append("</small></h3>");
            String settings = TrainingSettings.joined(r.runs().get(0).config());
            if (comparison && !settings.isEmpty()) sb.append("<p class=\"settings\">").append(esc(settings)).append("</p>");
            sb.append("<div class=\"row\">");
            double[][] train = r.curve(EpochStats::trainLoss), val = r.curve(EpochStats::validationLoss);
            double[][] acc = r.curve(s -> 100 * s.validationAccuracy());
            List<Svg.Marker> marks = markers(r);
            sb.append(Svg.lineChart(r.label() + ": loss", "curve loss-curve", List.of(
                    new Svg.Series("training loss", train[0], train[1], train[2]),
                    new Svg.Series("validation loss", val[0], val[1], val[2])), "%.3f", marks));
            sb.append(Svg.lineChart(r.label() + ": validation accuracy", "curve acc-curve", List.of(
                    new Svg.Series("validation accuracy %", acc[0], acc[1], acc[2])), "%.1f", marks));
            String which = r.runs().size() > 1 ? "test, all seeds" : "test";
            sb.append(Svg.heatmap(r.label() + ": confusion (" + which + ")", "heatmap", r.confusion(),
                    r.dataset().classes()));
            sb.append("</div>");
            if (r.runs().size() > 1) {
                earlyStopping(r).ifPresent(s -> sb.append("<p class=\"early-stopping\">").append(esc(s)).append("</p>"));
            }
            sb.append("</section>\n");
        }
        sb.append("<h2>Most confident mistakes</h2>\n");
        for (ConfigResult r : results) {
            sb.append("<section class=\"gallery\" data-config=\"").append(esc(r.label())).append("\"><h3>")
                    .append(esc(r.label())).append(" <small>").append(r.gallery().size())
                    .append(" test images it gets wrong with the highest softmax probability")
                    .append(r.runs().size() > 1 ? " (first seed)" : "").append("</small></h3><div class=\"digits\">");
            Dataset d = r.dataset();
            for (Mistake m : r.gallery()) {
                sb.append(String.format(Locale.ROOT, "<figure class=\"mistake\"><img alt=\"test image %d\" src=\"data:image/png;base64,%s\">"
                                + "<figcaption>true <b>%s</b> → %s<br>%.1f%% · #%d</figcaption></figure>",
                        m.index(), png(m.pixels()), esc(d.label(m.trueLabel())), esc(d.label(m.predicted())),
                        100 * m.confidence(), m.index()));
            }
            sb.append("</div></section>\n");
        }
        sb.append("<h2>Provenance</h2>\n");
        for (ConfigResult r : results) {
            for (RunMetrics m : r.runs()) {
                if (m.provenance() == null) continue;
                sb.append("<pre class=\"provenance\" data-config=\"").append(esc(r.label())).append("\">")
                        .append(esc(String.join("\n", m.provenance().lines()))).append("</pre>\n");
            }
        }
        sb.append("<p class=\"note\">Written by mnist-fcn. Charts are inline SVG, digits inline PNG: this file needs "
                + "nothing else.</p>\n</body></html>\n");
        return sb.toString();
    }

    /** The Markdown twin: the same content, with tables where the HTML has charts. */
    public static String markdown(String title, List<ConfigResult> results, boolean comparison) {
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n");
        if (comparison) {
            sb.append(ComparisonTable.markdown(results)).append('\n');
            for (String s : ComparisonTable.pairSentences(results)) sb.append("- ").append(s).append('\n');
        }
        for (ConfigResult r : results) {
            sb.append("\n## ").append(r.label()).append(" (").append(r.architecture()).append(")\n\n");
            String settings = TrainingSettings.joined(r.runs().get(0).config());
            if (!settings.isEmpty()) sb.append("Settings: ").append(settings).append(".\n\n");
            sb.append("| epoch | train loss | val loss | val acc (mean, min–max over seeds) |\n|---:|---:|---:|---:|\n");
            double[][] train = r.curve(EpochStats::trainLoss), val = r.curve(EpochStats::validationLoss);
            double[][] acc = r.curve(EpochStats::validationAccuracy);
            for (int e = 0; e < train[0].length; e++) {
                sb.append(String.format(Locale.ROOT, "| %d | %.4f | %.4f | %.2f%% (%.2f–%.2f) |%n", e + 1, train[0][e],
                        val[0][e], 100 * acc[0][e], 100 * acc[1][e], 100 * acc[2][e]));
            }
            earlyStopping(r).ifPresent(s -> sb.append('\n').append(s).append('\n'));
            sb.append("\nConfusion matrix, test set, summed over seeds (rows: true ").append(r.dataset().classWord())
                    .append("):\n\n");
            sb.append(MarkdownReport.confusionTable(r.confusion(), r.dataset()));
            sb.append("\nMost confident mistakes").append(r.runs().size() > 1 ? " of the first seed" : "")
                    .append(" (test index: true → predicted, confidence): ");
            List<String> items = new ArrayList<>();
            for (Mistake x : r.gallery()) {
                items.add(String.format(Locale.ROOT, "#%d: %s → %s, %.1f%%", x.index(), r.dataset().label(x.trueLabel()),
                        r.dataset().label(x.predicted()), 100 * x.confidence()));
            }
            sb.append(String.join("; ", items)).append(".\n");
        }
        return sb.toString();
    }

    /** Where each seed's early stopping stopped and which epoch it kept (the curves above end at the shortest run). */
    private static java.util.Optional<String> earlyStopping(ConfigResult r) {
        List<EarlyStoppingOutcome> all = r.runs().stream().map(RunMetrics::earlyStopping).filter(java.util.Objects::nonNull)
                .toList();
        if (all.isEmpty()) return java.util.Optional.empty();
        // The curves are means over seeds, so they end where the first seed stopped: said, or a seed's later (even its
        // kept) epochs were missing from them without a word.
        int shown = r.curveEpochs();
        boolean cutShort = r.runs().stream().anyMatch(m -> m.history().size() > shown);
        String cut = !cutShort ? "" : String.format(Locale.ROOT, " The curves end at epoch %d, where the first "
                + "seed stopped: a mean over seeds needs every seed.", shown);
        return java.util.Optional.of(String.format(Locale.ROOT, "Early stopping (%s, patience %d): trained %s epochs; "
                        + "kept epochs %s (per seed, in seed order).%s", all.get(0).monitor(), all.get(0).patience(),
                join(all, EarlyStoppingOutcome::totalEpochs), join(all, EarlyStoppingOutcome::bestModelEpoch), cut));
    }

    private static String join(List<EarlyStoppingOutcome> all, java.util.function.ToIntFunction<EarlyStoppingOutcome> f) {
        return String.join(", ", all.stream().map(o -> Integer.toString(f.applyAsInt(o))).toList());
    }

    /**
     * Early stopping's epochs on a learning curve: the kept one, and the one it stopped after if that ended the run.
     * One seed only: with several, each stopped elsewhere, and lines at each would hide the curves.
     */
    private static List<Svg.Marker> markers(ConfigResult r) {
        EarlyStoppingOutcome es = r.runs().size() == 1 ? r.runs().get(0).earlyStopping() : null;
        if (es == null) return List.of();
        List<Svg.Marker> marks = new ArrayList<>(List.of(new Svg.Marker(es.bestModelEpoch(), "kept " + es.bestModelEpoch(),
                "kept")));
        if (es.stoppedEarly()) marks.add(new Svg.Marker(es.totalEpochs(), "stopped " + es.totalEpochs(), "stopped"));
        return marks;
    }

    private static String table(List<ConfigResult> results) {
        String[] lines = ComparisonTable.markdown(results).split("\n");
        StringBuilder sb = new StringBuilder("<table class=\"compare\"><thead><tr>");
        for (String h : cells(lines[0])) sb.append("<th>").append(esc(h)).append("</th>");
        sb.append("</tr></thead><tbody>");
        for (int i = 2; i < lines.length; i++) {
            sb.append("<tr>");
            for (String c : cells(lines[i])) sb.append("<td>").append(esc(c)).append("</td>");
            sb.append("</tr>");
        }
        return sb.append("</tbody></table>\n").toString();
    }

    private static List<String> cells(String row) {
        String inner = row.trim().substring(1, row.trim().length() - 1);
        return java.util.Arrays.stream(inner.split("\\|")).map(String::trim).toList();
    }

    /** A 28×28 grey digit as a PNG, black ink on white. */
    static String png(float[] pixels) {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < Mnist.PIXELS; i++) {
            int v = 255 - Math.round(255 * Math.max(0, Math.min(1, pixels[i])));
            img.getRaster().setSample(i % 28, i / 28, 0, v);
        }
        return Base64.getEncoder().encodeToString(DigitImages.png(img));
    }

    private static final String CSS = """
            h3{font-size:15px;margin:12px 0 4px}small{color:#666;font-weight:normal}.settings{color:#444}
            table.compare{border-collapse:collapse;font-size:13px}table.compare th,table.compare td{border:1px solid #ddd;padding:4px 8px;text-align:right}
            table.compare th{background:#f4f6f8}table.compare td:first-child{text-align:left;font-weight:600}
            .early-stopping{background:#f4f8f4;border-left:3px solid #2ca02c;padding:4px 8px}
            .digits{display:flex;flex-wrap:wrap;gap:8px}.mistake{margin:0;text-align:center;font-size:11px;width:84px}
            .mistake img{width:56px;height:56px;image-rendering:pixelated;border:1px solid #ccc}
            pre.provenance{font-size:12px;background:#f7f7f7;padding:6px 8px;overflow-x:auto}
            """;
}
