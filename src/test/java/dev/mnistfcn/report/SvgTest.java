package dev.mnistfcn.report;

import org.jsoup.Jsoup;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;

import java.util.List;

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
