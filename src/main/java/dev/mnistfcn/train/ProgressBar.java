package dev.mnistfcn.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Within-epoch progress: a redrawn bar on a terminal, a plain line per quarter epoch otherwise
 * (so logs and CI output stay readable).
 */
public final class ProgressBar {
    private final PrintStream out;
    private final boolean terminal;
    private final boolean enabled;
    private int lastShown = -1;

    public ProgressBar(PrintStream out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
        this.terminal = System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    public void update(String label, int done, int total, double loss, double seconds) {
        if (!enabled) return;
        if (terminal) {
            int step = Math.max(1, total / 100);
            if (done % step != 0 && done != total) return;
            int width = 30;
            int filled = (int) ((long) width * done / total);
            String eta = done == 0 ? "?" : String.format(Locale.ROOT, "%.0fs", seconds / done * (total - done));
            out.printf(Locale.ROOT, "\r%s [%s%s] %d/%d loss %.4f eta %s  ", label, "=".repeat(filled), " ".repeat(width - filled),
                    done, total, loss, eta);
            if (done == total) out.print("\r" + " ".repeat(label.length() + width + 50) + "\r");
            out.flush();
        } else {
            int quarter = (int) (4L * done / total);
            if (quarter > lastShown && quarter > 0 && quarter < 4) {
                lastShown = quarter;
                out.printf(Locale.ROOT, "%s %d/%d batches, loss %.4f, %.1fs%n", label, done, total, loss, seconds);
            }
        }
    }

    public void reset() {
        lastShown = -1;
    }
}
