package dev.mnistfcn.notadigit;

import dev.mnistfcn.TestData;
import dev.mnistfcn.UserError;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.digits.HandwrittenDigits;
import dev.mnistfcn.digits.UserPictures;
import dev.mnistfcn.predict.DigitClassifier;
import dev.mnistfcn.predict.Prediction;
import org.nd4j.linalg.dataset.DataSet;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A measurement, not a test: each model zip on people's pictures (docs/not-a-digit.md). The 300 MNIST test digits
 * of {@code UserPicturesTest} (every 33rd, four kinds of picture), 300 more rewritten by {@link HandwrittenDigits}
 * (rows 16, 49, …: thin slanted pen, thick marker, broken strokes, mixed), and the 160 held-out not-digit pictures.
 * "Right" counts a refused digit as wrong; with a zip that has no check nothing is refused.
 *
 * <pre>  java -cp target/classes:target/test-classes:$(cat cp.txt) dev.mnistfcn.notadigit.PeoplesPicturesStudy ZIP…</pre>
 */
public final class PeoplesPicturesStudy {
    public static void main(String[] args) throws Exception {
        DataSet test = MnistSplits.loadTest(TestData.mnistDir());
        System.out.println("| model | 300 people's pictures: right / refused | 300 handwriting-like: right / refused "
                + "| both: right | 300 drawn as on the page: right / refused | 300 ballpoint: right / refused | 160 not-digits refused |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (String zip : args) {
            DigitClassifier model = DigitClassifier.load(Path.of(zip), "auto");
            int[] people = new int[2], pens = new int[2], page = new int[2], ballpoint = new int[2];
            for (int n = 0; n < 300; n++) {
                int row = 33 * n;
                count(people, model, UserPictures.draw(row(test, row), UserPictures.Kind.values()[n % 4], row), label(test, row));
                row = 16 + 33 * n;
                count(pens, model, HandwrittenDigits.draw(row(test, row), HandwrittenDigits.Pen.values()[n % 4], row), label(test, row));
                count(page, model, drawnOnThePage(row(test, n)), label(test, n));
                row = 8 + 33 * n;
                count(ballpoint, model, HandwrittenDigits.draw(row(test, row), HandwrittenDigits.Pen.BALLPOINT, row),
                        label(test, row));
            }
            long refused = NotADigitTest.notDigits().stream().filter(p -> NotADigitTest.refused(model, p)).count();
            System.out.printf(Locale.ROOT, "| %s | %.1f%% / %.1f%% | %.1f%% / %.1f%% | %.1f%% | %.1f%% / %.1f%% | %.1f%% / "
                            + "%.1f%% | %.1f%% |%n", zip, people[0] / 3.0, people[1] / 3.0, pens[0] / 3.0, pens[1] / 3.0,
                    (people[0] + pens[0]) / 6.0, page[0] / 3.0, page[1] / 3.0, ballpoint[0] / 3.0, ballpoint[1] / 3.0,
                    100.0 * refused / 160);
        }
    }

    /**
     * The first 300 MNIST test digits as PageBrowserTest draws them on the page (each run of ink along a row one
     * stroke of the page's round 20 px pen on its 280×280 white canvas), drawn by Java2D and exported as PNG.
     */
    static byte[] drawnOnThePage(float[] mnist) {
        var canvas = new BufferedImage(280, 280, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = canvas.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 280, 280);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(20, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                if (mnist[y * 28 + x] <= 0.5f) continue;
                int end = x;
                while (end + 1 < 28 && mnist[y * 28 + end + 1] > 0.5f) end++;
                g.drawLine(x * 10 + 5, y * 10 + 5, end * 10 + 5, y * 10 + 5);
                x = end;
            }
        }
        g.dispose();
        return UserPictures.png(canvas);
    }

    private static void count(int[] rightRefused, DigitClassifier model, byte[] picture, int label) {
        try {
            Prediction p = model.classify(picture, "picture");
            if (p.notADigit()) rightRefused[1]++;
            else if (p.digit() == label) rightRefused[0]++;
        } catch (UserError e) {
            rightRefused[1]++; // no digit found
        }
    }

    private static float[] row(DataSet set, int r) {
        return set.getFeatures().getRow(r).toFloatVector();
    }

    private static int label(DataSet set, int r) {
        return set.getLabels().getRow(r).argMax().getInt(0);
    }
}
