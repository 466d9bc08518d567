package dev.mnistfcn.report;

import java.util.List;
import java.util.Locale;

/**
 * Small inline-SVG charts for the HTML report. Hand-written rather than a charting library: the report
 * must open with no network access, and the JVM charting libraries (JFreeChart, XChart) render to
 * raster files or pull in AWT; three chart kinds in ~150 lines of tested code keep the file
 * self-contained and text-diffable.
 */
public final class Svg {
    /** The style of the charts drawn here, which every page that shows them includes ({@link HtmlReport#page}). */
    public static final String CSS = """
            svg.chart{background:#fff;border:1px solid #eee;max-width:100%;height:auto}svg .title{font-size:13px;font-weight:600}
            svg .tick{font-size:11px;fill:#555}svg .legend{font-size:12px}svg .grid{stroke:#eee}
            svg .line{fill:none;stroke-width:2}svg .band{opacity:.18;stroke:none}svg .dot{opacity:.8}svg .cnum{font-size:10px;fill:#222}
            svg .marker{stroke:#555;stroke-dasharray:4 3}svg .marker.kept{stroke:#2ca02c}svg .marker-label{font-size:11px;fill:#333}
            """;
    public static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

    private Svg() {
    }

    /** A step near a fifth of {@code range} of 1, 2 or 5 × 10^k: ticks at 90.0, 90.5, 91.0, …, about 4 to 9 of them. */
    static double tickStep(double range) {
        double raw = range / 5, power = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / power;
        return power * (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10);
    }

    /** One line with an optional band (min..max over seeds) per series. */
    public record Series(String label, double[] mean, double[] low, double[] high) {
    }

    /** A vertical line at an epoch (1-based) with a label; {@code kind} is its CSS class (kept, stopped). */
    public record Marker(int epoch, String label, String kind) {
    }

    public static String lineChart(String title, String cssClass, List<Series> series, String yFormat) {
        return lineChart(title, cssClass, series, yFormat, List.of());
    }

    public static String lineChart(String title, String cssClass, List<Series> series, String yFormat,
                                   List<Marker> markers) {
        // Each line is named at its end, in a margin as wide as the longest name (up to LABEL_CHARS): the plot
        // keeps its width, and no name covers a line.
        int labelChars = series.stream().mapToInt(s -> Math.min(LABEL_CHARS, s.label().length())).max().orElse(0);
        int labelWidth = (int) Math.ceil(labelChars * CHAR_WIDTH) + 10;
        int w = 420 + labelWidth, h = 240, left = 56, right = 12 + labelWidth, top = 28, bottom = 36;
        int n = series.stream().mapToInt(s -> s.mean().length).max().orElse(1);
        // The range of the finite values only: a diverged epoch's NaN loss made every coordinate NaN (a blank chart).
        // Such points are left out of the lines, which join their neighbours.
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (Series s : series) {
            for (int i = 0; i < s.mean().length; i++) {
                if (!drawn(s, i)) continue;
                lo = Math.min(lo, s.low()[i]);
                hi = Math.max(hi, s.high()[i]);
            }
        }
        if (lo > hi) {
            lo = 0;
            hi = 1;
        }
        if (hi - lo < 1e-12) {
            hi = lo + 1;
        }
        double pad = (hi - lo) * 0.05;
        boolean nonNegative = lo >= 0; // losses and accuracies: an axis padded to -0.5 under a loss read as a value
        // Out to whole steps of a round size: even fifths of the padded range read 92.0 / 91.5 / 90.9 / 90.3.
        double step = tickStep(hi - lo + 2 * pad);
        lo = Math.floor((lo - pad) / step) * step;
        if (nonNegative) lo = Math.max(lo, 0);
        hi = Math.ceil((hi + pad) / step) * step;
        int ticks = (int) Math.round((hi - lo) / step);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg class=\"chart %s\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "role=\"img\" aria-label=\"%s\">", cssClass, w, h, w, h, esc(title)));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" class=\"title\">%s</text>", left, esc(title)));
        for (int k = 0; k <= ticks; k++) {
            double v = lo + step * k;
            double y = top + (h - top - bottom) * (1 - (double) k / ticks);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>",
                    left, w - right, y, y, left - 4, y + 4, String.format(Locale.ROOT, yFormat, v)));
        }
        for (int e = 0; e < n; e++) {
            if (n <= 10 || (e + 1) % 5 == 0 || e == 0) {
                sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%d</text>",
                        x(e, n, left, w - right), h - bottom + 14, e + 1));
            }
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">epoch</text>",
                (left + w - right) / 2, h - 4));
        for (int mi = 0; mi < markers.size(); mi++) {
            Marker m = markers.get(mi);
            double mx = x(m.epoch() - 1, n, left, w - right);
            // Labels sit at the foot of the plot, clear of the legend, staggered upwards so that markers on
            // neighbouring epochs stay readable, and turned inwards at the edges so that none is cut off.
            String anchor = mx > w - right - 40 ? "end" : mx < left + 40 ? "start" : "middle";
            double lx = anchor.equals("end") ? mx - 3 : anchor.equals("start") ? mx + 3 : mx;
            sb.append(String.format(Locale.ROOT, "<line class=\"marker %s\" data-epoch=\"%d\" x1=\"%.1f\" x2=\"%.1f\" "
                            + "y1=\"%d\" y2=\"%d\"/><text class=\"marker-label\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>",
                    esc(m.kind()), m.epoch(), mx, mx, top, h - bottom, lx, h - bottom - 4 - 12 * mi, anchor, esc(m.label())));
        }
        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            String color = PALETTE[si % PALETTE.length];
            StringBuilder band = new StringBuilder();
            for (int i = 0; i < s.mean().length; i++) {
                if (!drawn(s, i)) continue;
                band.append(band.isEmpty() ? "M" : "L").append(pt(i, s.high()[i], n, lo, hi, left, w - right, top, h - bottom));
            }
            for (int i = s.mean().length - 1; i >= 0; i--) {
                if (drawn(s, i)) band.append("L").append(pt(i, s.low()[i], n, lo, hi, left, w - right, top, h - bottom));
            }
            if (!band.isEmpty()) sb.append("<path class=\"band\" d=\"").append(band).append("Z\" fill=\"").append(color).append("\"/>");
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < s.mean().length; i++) {
                if (!drawn(s, i)) continue;
                line.append(line.isEmpty() ? "M" : "L").append(pt(i, s.mean()[i], n, lo, hi, left, w - right, top, h - bottom));
            }
            sb.append("<path class=\"line\" d=\"").append(line).append("\" stroke=\"").append(color).append("\"><title>")
                    .append(esc(s.label())).append("</title></path>");
            for (int i = 0; i < s.mean().length; i++) {
                if (!drawn(s, i)) continue;
                String[] xy = pt(i, s.mean()[i], n, lo, hi, left, w - right, top, h - bottom).split(",");
                sb.append(String.format(Locale.ROOT, "<circle class=\"point\" cx=\"%s\" cy=\"%s\" r=\"2.5\" fill=\"%s\">"
                        + "<title>%s, epoch %d: %s</title></circle>", xy[0], xy[1], color, esc(s.label()), i + 1,
                        String.format(Locale.ROOT, yFormat, s.mean()[i])));
            }
        }
        double[] ends = new double[series.size()];
        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            int last = s.mean().length - 1;
            while (last >= 0 && !drawn(s, last)) last--;
            ends[si] = last < 0 ? top : h - bottom - (h - bottom - top) * (s.mean()[last] - lo) / (hi - lo);
        }
        double[] at = spread(ends, LABEL_GAP, top + 6, h - bottom);
        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            String shown = s.label().length() <= LABEL_CHARS ? s.label() : s.label().substring(0, LABEL_CHARS - 1) + "…";
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"legend curve-label\" fill=\"%s\">%s"
                    + "<title>%s</title></text>", w - right + 6, at[si] + 4, PALETTE[si % PALETTE.length], esc(shown),
                    esc(s.label())));
        }
        return sb.append("</svg>").toString();
    }

    /** End labels: at most this many characters (the whole name is in the label's tooltip). */
    static final int LABEL_CHARS = 26;
    /** Width of a 12 px system-ui character, generously (digits and lower case measure 6-7 px in Chromium). */
    static final double CHAR_WIDTH = 7.0;
    /** Label centres at least this far apart: a 12 px label's height, and a pixel. */
    static final double LABEL_GAP = 13;

    /**
     * Label centres as near as may be to {@code want} (each line's last point), at least {@code gap} apart and
     * within [{@code lo}, {@code hi}]: sorted top to bottom, pushed down where they crowd, then pulled back up from
     * the bottom edge. The order of the lines' ends is kept, so each label stays beside its own line.
     */
    static double[] spread(double[] want, double gap, double lo, double hi) {
        Integer[] order = new Integer[want.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(want[a], want[b]));
        double[] at = new double[want.length];
        double prev = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < order.length; k++) {
            at[order[k]] = Math.max(Math.max(want[order[k]], lo), prev + gap);
            prev = at[order[k]];
        }
        double next = Double.POSITIVE_INFINITY;
        for (int k = order.length - 1; k >= 0; k--) {
            at[order[k]] = Math.min(at[order[k]], Math.min(hi, next - gap));
            next = at[order[k]];
        }
        return at;
    }

    /** Horizontal bars, one per label. */
    public static String barChart(String title, String cssClass, List<String> labels, double[] values, String format) {
        int w = 420, rowH = 26, left = 130, top = 28;
        int h = top + rowH * labels.size() + 8;
        double max = 0;
        for (double v : values) max = Math.max(max, v);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg class=\"chart %s\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "role=\"img\" aria-label=\"%s\">", cssClass, w, h, w, h, esc(title)));
        sb.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"16\" class=\"title\">%s</text>", esc(title)));
        for (int i = 0; i < labels.size(); i++) {
            double bw = max <= 0 ? 0 : (w - left - 90) * values[i] / max;
            int y = top + rowH * i;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%s</text>"
                            + "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" class=\"tick\">%s</text>",
                    left - 6, y + 16, esc(labels.get(i)), left, y + 4, bw, rowH - 8, PALETTE[i % PALETTE.length],
                    left + bw + 4, y + 16, String.format(Locale.ROOT, format, values[i])));
        }
        return sb.append("</svg>").toString();
    }

    /** A confusion matrix as a heat map: rows true, columns predicted; colour by row share; classes numbered. */
    public static String heatmap(String title, String cssClass, int[][] m) {
        return heatmap(title, cssClass, m, java.util.stream.IntStream.range(0, m.length).mapToObj(Integer::toString).toList());
    }

    /**
     * As above with class names: rows are labelled "k name" where a name is more than its number (Fashion-MNIST),
     * columns keep the number so that the cells stay square; each cell's tooltip names both classes.
     */
    public static String heatmap(String title, String cssClass, int[][] m, List<String> names) {
        int k = m.length, cell = 30, top = 40;
        List<String> rows = java.util.stream.IntStream.range(0, k)
                .mapToObj(i -> names.get(i).equals(Integer.toString(i)) ? names.get(i) : i + " " + names.get(i)).toList();
        int left = 22 + 7 * rows.stream().mapToInt(String::length).max().orElse(2);
        int w = left + cell * k + 8, h = top + cell * k + 8;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg class=\"chart %s\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "role=\"img\" aria-label=\"%s\">", cssClass, w, h, w, h, esc(title)));
        sb.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"14\" class=\"title\">%s</text>", esc(title)));
        for (int j = 0; j < k; j++) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%d</text>",
                    left + cell * j + cell / 2, top - 6, j));
        }
        for (int i = 0; i < k; i++) {
            long rowSum = 0;
            for (int v : m[i]) rowSum += v;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%s</text>",
                    left - 6, top + cell * i + cell / 2 + 4, esc(rows.get(i))));
            for (int j = 0; j < k; j++) {
                double share = rowSum == 0 ? 0 : (double) m[i][j] / rowSum;
                // Off-diagonal errors are rare: a square root scale keeps them visible next to the diagonal.
                double t = Math.sqrt(share);
                String fill = i == j ? rgb(1 - t * 0.8, 1 - t * 0.45, 1 - t * 0.1) : rgb(1, 1 - t * 0.9, 1 - t * 0.9);
                sb.append(String.format(Locale.ROOT, "<rect class=\"cell\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                                + "fill=\"%s\"><title>true %s, predicted %s: %d</title></rect>"
                                + "<text x=\"%d\" y=\"%d\" class=\"cnum\" text-anchor=\"middle\">%d</text>",
                        left + cell * j, top + cell * i, cell, cell, fill, esc(names.get(i)), esc(names.get(j)), m[i][j],
                        left + cell * j + cell / 2, top + cell * i + cell / 2 + 4, m[i][j]));
            }
        }
        return sb.append("</svg>").toString();
    }

    private static String rgb(double r, double g, double b) {
        return String.format(Locale.ROOT, "rgb(%d,%d,%d)", c(r), c(g), c(b));
    }

    private static int c(double v) {
        return (int) Math.round(255 * Math.max(0, Math.min(1, v)));
    }

    private static double x(int i, int n, int x0, int x1) {
        return n <= 1 ? (x0 + x1) / 2.0 : x0 + (x1 - x0) * (double) i / (n - 1);
    }

    /** Whether point {@code i} of {@code s} has a place on the chart: its mean and band are finite numbers. */
    private static boolean drawn(Series s, int i) {
        return Double.isFinite(s.mean()[i]) && Double.isFinite(s.low()[i]) && Double.isFinite(s.high()[i]);
    }

    private static String pt(int i, double v, int n, double lo, double hi, int x0, int x1, int y0, int y1) {
        double y = y1 - (y1 - y0) * (v - lo) / (hi - lo);
        return String.format(Locale.ROOT, "%.1f,%.1f", x(i, n, x0, x1), y);
    }

    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
