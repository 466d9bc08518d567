package dev.mnistfcn.sweep;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The sweep report's axis labels: hidden-layer lists by their widths (issue 27), other values cut. */
class SweepReportTest {
    @Test
    void hiddenLayerListsAreLabelledByTheirWidths() {
        assertEquals("128", SweepReport.label("[{units: 128, activation: relu}]"));
        assertEquals("256-64", SweepReport.label("[{\"units\":256,\"activation\":\"relu\",\"init\":{\"type\":"
                + "\"truncated_normal\",\"stddev\":0.1}},{\"units\":64,\"activation\":\"relu\"}]"));
        assertEquals("relu", SweepReport.label("relu"));
        assertEquals("a-very-long-n…", SweepReport.label("a-very-long-name-indeed"));
    }

    /** A data.dir with '|', '<img onerror>' or a line break shifted, injected into or split results.md's row (a review). */
    @Test
    void cellsOfTheResultsTableAreOneCellOfText() {
        assertEquals("/d/x\\|y&lt;img src=x onerror=alert(1)&gt; z", SweepReport.cell("/d/x|y<img src=x onerror=alert(1)>\nz"));
        assertEquals("data/mnist", SweepReport.cell("data/mnist"));
    }
}
