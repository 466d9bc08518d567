package dev.mnistfcn.notadigit;

import dev.mnistfcn.Mnist;
import dev.mnistfcn.predict.NotADigit;
import dev.mnistfcn.storage.NotADigitCheck;
import org.nd4j.linalg.dataset.DataSet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Makes a model's {@link NotADigitCheck}: trains the detector (twice, averaged) on MNIST training digits (each also
 * redrawn as a picture and put back through the recipe, as people's pictures reach the model: the odd ones as they
 * are, the even ones in another hand and pen, {@link TrainingDigits}) against made negatives and Fashion-MNIST items,
 * then sets the threshold where it refuses {@link #REFUSED_DIGITS} of MNIST's validation digits (raw and redrawn).
 * Never a test set: the held-out not-digit pictures and MNIST's test digits only measure it.
 */
public final class Calibration {
    /**
     * The share of validation digits refused: 2%, below the goal of ≤ 3% of real digit pictures, because people's
     * pictures are refused a little more often than MNIST's own digits (docs/not-a-digit.md).
     */
    public static final double REFUSED_DIGITS = 0.02;

    /**
     * How much data: the defaults are those measured in docs/not-a-digit.md; tests use less.
     *
     * @param digits          MNIST training digits the detector learns from (the first ones of the training split;
     *                        each also redrawn through the recipe, every other one in another hand and pen)
     * @param negatives       made negatives it learns from (a fifth of them Fashion-MNIST items when available)
     * @param validation      validation digits the threshold is set on
     * @param checkNegatives  further made negatives, drawn from another seed, that only report what it refuses
     * @param hidden          the detector's hidden units
     * @param epochs          its training epochs
     * @param trainings       detectors trained (seeds apart) and stored as one, their logits averaged
     */
    public record Sizes(int digits, int negatives, int validation, int checkNegatives, int hidden, int epochs,
                        int trainings) {
        public static final Sizes FULL = new Sizes(20_000, 30_000, 5_000, 3_000, 256, 8, 2);
    }

    /** The check and the two figures it was chosen from. */
    public record Result(NotADigitCheck check, double validationDigitsRefused, double madeNegativesRefused) {
    }

    private Calibration() {
    }

    /**
     * The check. {@code train} and {@code validation}: MNIST's splits; {@code fashion}: Fashion-MNIST images to add
     * to the negatives, if installed. It does not depend on the model: the detector reads the picture alone.
     */
    public static Result fit(DataSet train, DataSet validation, Optional<DataSet> fashion,
                             Sizes sizes, long seed) {
        var made = new MadeNegatives();
        int n = Math.min(sizes.digits(), (int) train.numExamples());
        List<float[]> digits = new ArrayList<>(2 * n);
        var hands = new TrainingDigits();
        for (int r = 0; r < n; r++) {
            float[] digit = row(train, r);
            digits.add(digit);
            if (r % 2 == 1) MadeNegatives.throughRecipe(digit, 2 + r % 4).ifPresent(digits::add);
            else hands.rewrite(digit, seed, r).ifPresent(digits::add);
        }
        int fashionCount = fashion.map(f -> Math.min(sizes.negatives() / 5, (int) f.numExamples())).orElse(0);
        List<float[]> negatives = new ArrayList<>(made.make(sizes.negatives() - fashionCount, seed));
        for (int r = 0; r < fashionCount; r++) MadeNegatives.throughRecipe(row(fashion.get(), r), 3).ifPresent(negatives::add);
        // Two trainings averaged: one training's held-out refusals swing by several points with its seed alone.
        List<Detector> members = new ArrayList<>();
        float[][] x = digits.toArray(float[][]::new), notX = negatives.toArray(float[][]::new);
        for (int m = 0; m < sizes.trainings(); m++) {
            members.add(Detector.train(x, notX, sizes.hidden(), sizes.epochs(), seed + 1000L * m));
        }

        NotADigitCheck unset = Detector.averaged(members, 0, null);
        var scorer = new NotADigit(unset);
        int v = Math.min(sizes.validation(), (int) validation.numExamples());
        List<Double> valid = new ArrayList<>();
        for (int r = 0; r < v; r++) {
            float[] digit = row(validation, r);
            valid.add(score(scorer, digit));
            if (r % 5 == 0) MadeNegatives.throughRecipe(digit, 2 + r % 4).ifPresent(p -> valid.add(score(scorer, p)));
        }
        double[] sorted = valid.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double threshold = sorted[(int) Math.floor(REFUSED_DIGITS * sorted.length)];
        double validRefused = Arrays.stream(sorted).filter(s -> s < threshold).count() / (double) sorted.length;

        List<float[]> check = made.make(sizes.checkNegatives(), seed + 1);
        double negativesRefused = check.stream().filter(p -> score(scorer, p) < threshold).count()
                / (double) Math.max(1, check.size());
        var calibration = new NotADigitCheck.Calibration(sorted.length, validRefused, check.size(), negativesRefused,
                Instant.now().toString());
        return new Result(Detector.averaged(members, threshold, calibration), validRefused, negativesRefused);
    }

    private static double score(NotADigit scorer, float[] pixels) {
        return scorer.digitProbability(pixels);
    }

    private static float[] row(DataSet set, int r) {
        float[] out = set.getFeatures().getRow(r).toFloatVector();
        if (out.length != Mnist.PIXELS) throw new IllegalArgumentException("expected 784 pixels, got " + out.length);
        return out;
    }
}
