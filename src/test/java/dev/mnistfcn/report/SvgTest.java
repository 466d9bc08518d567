package dev.mnistfcn.report;

import org.jsoup.Jsoup;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SvgTest {
    @Test
    void heatmapHasOneCellPerPairWithItsCount() {
        int[][] m = {{5, 1}, {0, 7}};
        var doc = Jsoup.parse(Svg.heatmap("cm", "heatmap", m), "", Parser.xmlParser());
        assertEquals(4, doc.select("rect.cell").size());
        assertEquals("true 0, predicted 1: 1", doc.select("rect.cell title").get(1).text());
    }

    @Test
    void lineChartDrawsALineAndABandPerSeriesWithinTheViewBox() {
        String svg = Svg.lineChart("loss", "curve", List.of(
                new Svg.Series("a", new double[]{1, 0.5, 0.25}, new double[]{0.9, 0.4, 0.2}, new double[]{1.1, 0.6, 0.3}),
                new Svg.Series("b", new double[]{2, 1, 0.5}, new double[]{2, 1, 0.5}, new double[]{2, 1, 0.5})), "%.2f");
        var doc = Jsoup.parse(svg, "", Parser.xmlParser());
        assertEquals(2, doc.select("path.line").size());
        assertEquals(2, doc.select("path.band").size());
        for (var p : doc.select("path.line")) {
            for (String pt : p.attr("d").replaceAll("[MLZ]", " ").trim().split("\\s+")) {
                double x = Double.parseDouble(pt.split(",")[0]), y = Double.parseDouble(pt.split(",")[1]);
                assertTrue(x >= 0 && x <= 420 && y >= 0 && y <= 240, pt);
            }
        }
    }

    /** A diverged epoch (NaN loss) is left out; the other points keep their places, and no coordinate is NaN. */
    /** Round tick steps: a review's accuracy axis read 92.0 / 91.5 / 90.9 / 90.3 / 89.8 (fifths of its range). */
    @Test
    void ticksFallOnRoundSteps() {
        assertEquals(0.5, Svg.tickStep(2.42), 1e-12);
        assertEquals(0.2, Svg.tickStep(0.825), 1e-12);
        assertEquals(5, Svg.tickStep(33.5), 1e-12);
        assertEquals(0.001, Svg.tickStep(0.004), 1e-15);
    }

    @Test
    void aNanEpochIsLeftOutRatherThanBlankingTheChart() {
        double nan = Double.NaN;
        String svg = Svg.lineChart("loss", "curve", List.of(
                new Svg.Series("train", new double[]{1, 0.5, nan, 0.25}, new double[]{1, 0.5, nan, 0.25},
                        new double[]{1, 0.5, nan, 0.25}),
                new Svg.Series("all NaN", new double[]{nan, nan, nan, nan}, new double[]{nan, nan, nan, nan},
                        new double[]{nan, nan, nan, nan})), "%.2f");
        assertTrue(!svg.replace("all NaN", "").contains("NaN"), svg);
        var doc = Jsoup.parse(svg, "", Parser.xmlParser());
        assertEquals(3, doc.select("circle.point").size(), "the three finite epochs of the first series");
        assertEquals(3, doc.select("path.line").first().attr("d").split("[ML]").length - 1);
        assertEquals(List.of("0.20", "0.40", "0.60", "0.80", "1.00", "1.20"), doc.select("text.tick").stream()
                .map(e -> e.text()).filter(t -> t.contains(".")).toList(),
                "the range of the finite values, padded by 5% and out to round steps (they read 0.21, 0.42, 0.63, …)");
        assertEquals(1, doc.select("path.band").size(), "no band for a series with no point");
    }

    /** A loss from 2.0 down to 0.03 had its axis padded to -0.5: no tick below 0 for values that are never negative. */
    @Test
    void anAxisOfNonNegativeValuesStartsAtZeroAtMost() {
        double[] loss = {2.0, 0.6, 0.3, 0.1, 0.03};
        var doc = Jsoup.parse(Svg.lineChart("loss", "curve", List.of(new Svg.Series("train", loss, loss, loss)), "%.1f"),
                "", Parser.xmlParser());
        List<String> ticks = doc.select("text.tick").stream().map(e -> e.text()).filter(t -> t.contains(".")).toList();
        assertEquals("0.0", ticks.get(0), ticks.toString());
        assertTrue(ticks.stream().noneMatch(t -> t.startsWith("-")), ticks.toString());
    }

    /**
     * The learning curves of the three best trials of the real mnist-small sweep (docs/sweeps.md) end within 0.14
     * points of each other (97.87, 97.77, 97.73 %), and two more close below: each line is named at its end, the
     * names at least a label's height apart, in the margin right of every line (none covers a line), in the
     * order of the lines' ends, each with its whole name as a tooltip.
     */
    @Test
    void endLabelsOfCloseCurvesNeitherOverlapNorCoverALine() {
        double[] ends = {97.87, 97.77, 97.73, 97.71, 97.02};
        List<Svg.Series> series = new java.util.ArrayList<>();
        String[] names = {"t10 512-128, 0.003", "t06 256-64, 0.003", "t02 128, 0.003", "t09 512-128, 0.001",
                "t05 256-64, 0.001 and a name longer than a label"};
        for (int i = 0; i < ends.length; i++) {
            double[] curve = {96.2 + i * 0.05, 97.1, 97.4, 97.5, 97.6, 97.7, 97.6, ends[i]};
            series.add(new Svg.Series(names[i], curve, curve, curve));
        }
        var doc = Jsoup.parse(Svg.lineChart("validation accuracy %, top 5", "curve", series, "%.2f"), "",
                Parser.xmlParser());
        var labels = doc.select("text.curve-label");
        assertEquals(5, labels.size());
        double lineRight = 0;
        for (var p : doc.select("path.line")) {
            for (String pt : p.attr("d").replaceAll("[MLZ]", " ").trim().split("\\s+")) {
                lineRight = Math.max(lineRight, Double.parseDouble(pt.split(",")[0]));
            }
        }
        double width = Double.parseDouble(doc.select("svg").attr("width"));
        double[] y = new double[5];
        for (int i = 0; i < 5; i++) {
            var t = labels.get(i);
            double x = Double.parseDouble(t.attr("x"));
            y[i] = Double.parseDouble(t.attr("y"));
            String shown = t.ownText();
            assertTrue(x > lineRight, "label " + shown + " right of every line");
            assertTrue(x + shown.length() * Svg.CHAR_WIDTH <= width, "label " + shown + " inside the chart");
            assertEquals(names[i], t.select("title").text(), "the whole name as a tooltip");
            for (int j = 0; j < i; j++) {
                assertTrue(Math.abs(y[i] - y[j]) >= 12, "labels " + j + " and " + i + " apart: " + y[j] + ", " + y[i]);
            }
        }
        assertTrue(labels.get(4).ownText().endsWith("…") && labels.get(4).ownText().length() == Svg.LABEL_CHARS);
        for (int i = 1; i < 5; i++) assertTrue(y[i] > y[i - 1], "in the order of the lines' ends");
        assertEquals(5 * 8, doc.select("circle.point").size(), "a point per epoch with its value as a tooltip");
        assertEquals("t06 256-64, 0.003, epoch 8: 97.77", doc.select("circle.point title").get(15).text());
    }

    @Test
    void spreadKeepsLabelsNearTheirLinesAndWithinTheChart() {
        assertArrayEquals(new double[]{50, 120}, Svg.spread(new double[]{50, 120}, 13, 30, 200), "far apart: unmoved");
        assertArrayEquals(new double[]{100, 113, 126}, Svg.spread(new double[]{100, 100.5, 101}, 13, 30, 200), 1e-9);
        assertArrayEquals(new double[]{174, 187, 200}, Svg.spread(new double[]{199, 200, 210}, 13, 30, 200), 1e-9,
                "pulled back up from the bottom edge");
        assertArrayEquals(new double[]{43, 30}, Svg.spread(new double[]{20, 10}, 13, 30, 200), 1e-9,
                "order kept, top edge held");
    }

    @Test
    void barLengthsAreProportional() {
        var doc = Jsoup.parse(Svg.barChart("t", "bars", List.of("a", "b"), new double[]{10, 5}, "%.0f"), "",
                Parser.xmlParser());
        double a = Double.parseDouble(doc.select("rect.bar").get(0).attr("width"));
        double b = Double.parseDouble(doc.select("rect.bar").get(1).attr("width"));
        assertEquals(2.0, a / b, 1e-3);
    }

    @Test
    void textIsEscaped() {
        assertTrue(Svg.barChart("<b>", "bars", List.of("a&b"), new double[]{1}, "%.0f").contains("a&amp;b"));
    }
}
