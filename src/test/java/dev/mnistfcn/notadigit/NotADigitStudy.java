package dev.mnistfcn.notadigit;

import dev.mnistfcn.TestData;
import dev.mnistfcn.config.DataSpec;
import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.data.MnistSplits;
import dev.mnistfcn.digits.DigitPixels;
import dev.mnistfcn.digits.UserPictures;
import dev.mnistfcn.storage.ModelFiles;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.inverse.InvertMatrix;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A measurement, not a test: the candidate "not a digit" scores compared on one saved model (docs/not-a-digit.md).
 * Each score is thresholded where it refuses {@value #REFUSED_DIGITS} of the validation digits (MNIST's validation
 * images, raw and redrawn as people's pictures); the table gives what each then refuses of the made negatives, the
 * held-out not-digit pictures, the 300 people's pictures and MNIST's test digits.
 *
 * <pre>  java -cp target/classes:target/test-classes:$(cat cp.txt) dev.mnistfcn.notadigit.NotADigitStudy MODEL.zip [CSV]</pre>
 */
public final class NotADigitStudy {
    static final double REFUSED_DIGITS = 0.02;
    static final Path NOT_DIGITS = Path.of("src/test/resources/dev/mnistfcn/notadigit/not-digits");

    public static void main(String[] args) throws Exception {
        MultiLayerNetwork net = ModelFiles.load(Path.of(args[0]), false).network();
        Path mnist = TestData.mnistDir();
        MnistSplits splits = MnistSplits.load(new DataSpec("mnist", mnist.toString(), 5000, 0), mnist);
        DataSet fashion = MnistSplits.loadTest(Dataset.FASHION_MNIST, TestData.fashionDir());

        Map<String, float[][]> sets = new LinkedHashMap<>();
        List<float[]> trainDigits = new ArrayList<>(Arrays.asList(rows(splits.train(), 0, 20000, 1)));
        for (int r = 20000; r < 30000; r++) MadeNegatives.throughRecipe(row(splits.train(), r), 2 + r % 4).ifPresent(trainDigits::add);
        sets.put("train digits", trainDigits.toArray(float[][]::new));
        var made = new MadeNegatives();
        List<float[]> trainNeg = new ArrayList<>(made.make(16000, 1));
        for (int i = 0; i < 4000; i++) MadeNegatives.throughRecipe(row(fashion, i), 3).ifPresent(trainNeg::add);
        sets.put("train negatives", trainNeg.toArray(float[][]::new));
        float[][] valRaw = rows(splits.validation(), 0, 5000, 1);
        sets.put("validation digits", concat(valRaw, people(splits.validation(), 0, 5000, 5)));
        List<float[]> calNeg = new ArrayList<>(made.make(3000, 2));
        for (int i = 5000; i < 6000; i++) MadeNegatives.throughRecipe(row(fashion, i), 3).ifPresent(calNeg::add);
        sets.put("made negatives (calibration)", calNeg.toArray(float[][]::new));
        sets.put("held-out not-digits (160)", notDigits());
        sets.put("people's pictures (300)", people(splits.test(), 0, 10000, 33));
        sets.put("MNIST test digits", rows(splits.test(), 0, 10000, 1));

        Scores scores = new Scores(net, sets.get("train digits"), sets.get("train negatives"));
        Map<String, Map<String, double[]>> all = new LinkedHashMap<>();
        for (var e : sets.entrySet()) all.put(e.getKey(), scores.of(e.getValue()));

        System.out.printf(Locale.ROOT, "%-12s", "score");
        for (String set : sets.keySet()) if (!set.startsWith("train")) System.out.printf(Locale.ROOT, " | %s", set);
        System.out.println();
        StringBuilder csv = new StringBuilder("score,refused_validation_digits,refused_made_negatives,refused_held_out\n");
        for (String method : Scores.METHODS) {
            double t = quantile(all.get("validation digits").get(method), REFUSED_DIGITS);
            System.out.printf(Locale.ROOT, "%-12s", method);
            for (String set : sets.keySet()) {
                if (set.startsWith("train")) continue;
                System.out.printf(Locale.ROOT, " | %5.1f%%", 100 * refused(all.get(set).get(method), t));
            }
            System.out.println();
            for (int q = 0; q <= 200; q++) {
                double tq = quantile(all.get("validation digits").get(method), q / 1000.0);
                csv.append(String.format(Locale.ROOT, "%s,%.4f,%.4f,%.4f%n", method,
                        refused(all.get("validation digits").get(method), tq),
                        refused(all.get("made negatives (calibration)").get(method), tq),
                        refused(all.get("held-out not-digits (160)").get(method), tq)));
            }
        }
        if (args.length > 1) Files.writeString(Path.of(args[1]), csv);
        List<String> names;
        try (Stream<Path> files = Files.list(NOT_DIGITS)) {
            names = files.sorted().map(f -> f.getFileName().toString().replaceAll("-.*", "")).toList();
        }
        for (String method : Scores.METHODS) {
            double t = quantile(all.get("validation digits").get(method), REFUSED_DIGITS);
            double[] v = all.get("held-out not-digits (160)").get(method);
            Map<String, int[]> kinds = new LinkedHashMap<>();
            for (int i = 0; i < v.length; i++) {
                int[] c = kinds.computeIfAbsent(names.get(i), k -> new int[2]);
                c[1]++;
                if (v[i] < t) c[0]++;
            }
            StringBuilder line = new StringBuilder(method + " refused per kind:");
            kinds.forEach((k, c) -> line.append(' ').append(k).append(' ').append(c[0]).append('/').append(c[1]));
            System.out.println(line);
        }
    }

    /** Candidate scores, higher = more like a digit. */
    static final class Scores {
        static final String[] METHODS = {"max-softmax", "energy", "mahalanobis", "detector", "detector×softmax"};
        final MultiLayerNetwork net;
        final INDArray means, precision, w, b;
        final Detector detector;

        Scores(MultiLayerNetwork net, float[][] digits, float[][] negatives) {
            this.net = net;
            int last = net.getnLayers() - 1;
            w = net.getLayer(last).getParam("W");
            b = net.getLayer(last).getParam("b");
            INDArray h = hidden(digits);
            int[] labels = net.output(Nd4j.create(digits), false).argMax(1).toIntVector();
            long k = h.columns();
            means = Nd4j.zeros(10, k);
            int[] count = new int[10];
            for (int i = 0; i < labels.length; i++) {
                means.getRow(labels[i]).addi(h.getRow(i));
                count[labels[i]]++;
            }
            for (int c = 0; c < 10; c++) means.getRow(c).divi(Math.max(1, count[c]));
            INDArray centred = h.dup();
            for (int i = 0; i < labels.length; i++) centred.getRow(i).subi(means.getRow(labels[i]));
            INDArray cov = centred.transpose().mmul(centred).divi(labels.length);
            cov.addi(Nd4j.eye(k).muli(1e-3 * Nd4j.diag(cov).meanNumber().doubleValue()));
            precision = InvertMatrix.invert(cov, false);
            detector = Detector.train(digits, negatives, Integer.getInteger("hidden", 64), Integer.getInteger("epochs", 6), 7);
        }

        INDArray hidden(float[][] x) {
            List<INDArray> acts = net.feedForward(Nd4j.create(x), false);
            return acts.get(acts.size() - 2);
        }

        Map<String, double[]> of(float[][] x) {
            INDArray input = Nd4j.create(x);
            INDArray h = hidden(x);
            INDArray logits = h.mmul(w).addiRowVector(b);
            INDArray p = Transforms.softmax(logits, true);
            Map<String, double[]> s = new LinkedHashMap<>();
            s.put("max-softmax", p.max(1).toDoubleVector());
            INDArray m = logits.max(1);
            INDArray lse = Transforms.log(Transforms.exp(logits.subColumnVector(m), true).sum(1), false).addi(m);
            s.put("energy", lse.toDoubleVector());
            double[] maha = new double[x.length];
            Arrays.fill(maha, Double.NEGATIVE_INFINITY);
            for (int c = 0; c < 10; c++) {
                INDArray d = h.subRowVector(means.getRow(c));
                double[] q = d.mmul(precision).muli(d).sum(1).toDoubleVector();
                for (int i = 0; i < q.length; i++) maha[i] = Math.max(maha[i], -q[i]);
            }
            s.put("mahalanobis", maha);
            double[] d = detector.digitProbabilities(input);
            s.put("detector", d);
            double[] both = p.max(1).toDoubleVector();
            for (int i = 0; i < both.length; i++) both[i] *= d[i];
            s.put("detector×softmax", both);
            return s;
        }
    }

    /** The held-out pictures' file names, in {@link #notDigits()}'s order. */
    static List<String> notDigitNames() throws Exception {
        try (Stream<Path> files = Files.list(NOT_DIGITS)) {
            return files.sorted().map(f -> f.getFileName().toString()).toList();
        }
    }

    static float[][] notDigits() throws Exception {
        try (Stream<Path> files = Files.list(NOT_DIGITS)) {
            return files.sorted().map(f -> {
                try {
                    return DigitPixels.of(f);
                } catch (RuntimeException e) {
                    return null; // "no digit found": refused anyway, counted below as refused by every score
                }
            }).map(p -> p == null ? new float[784] : p).toArray(float[][]::new);
        }
    }

    static float[][] people(DataSet set, int from, int to, int step) {
        List<float[]> out = new ArrayList<>();
        var kinds = UserPictures.Kind.values();
        for (int r = from, n = 0; r < to; r += step, n++) {
            byte[] bytes = UserPictures.draw(row(set, r), kinds[n % kinds.length], r);
            out.add(DigitPixels.of(bytes, "digit " + r));
        }
        return out.toArray(float[][]::new);
    }

    static float[][] rows(DataSet set, int from, int to, int step) {
        List<float[]> out = new ArrayList<>();
        for (int r = from; r < to; r += step) out.add(row(set, r));
        return out.toArray(float[][]::new);
    }

    static float[] row(DataSet set, int r) {
        return set.getFeatures().getRow(r).toFloatVector();
    }

    static float[][] concat(float[][] a, float[][] b) {
        float[][] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.floor(q * s.length))];
    }

    static double refused(double[] v, double threshold) {
        return Arrays.stream(v).filter(x -> x < threshold).count() / (double) v.length;
    }
}
