package dev.mnistfcn.storage;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mnistfcn.Mnist;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What a model needs to answer "not a digit", stored next to it as the JSON entry {@value #ENTRY} (read with
 * Jackson, never Java serialization; zips without it never refuse). A detector network, 784 inputs → {@code hidden}
 * ReLU units → 2 softmax outputs (a digit, not a digit), trained on MNIST digits against made negatives; a picture
 * is refused when the detector's probability of a digit falls below {@code threshold}, calibrated on validation
 * digits (docs/not-a-digit.md).
 *
 * @param method      {@value #METHOD}: the only one so far; another value is refused, not guessed at
 * @param hidden      the detector's hidden units
 * @param w1          its first weights, [784][hidden] row by row, as little-endian float32 (base64 in the JSON)
 * @param b1          [hidden]
 * @param w2          [hidden][2]
 * @param b2          [2]
 * @param threshold   the score below which a picture is not a digit
 * @param calibration how the threshold was chosen, for people to read
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NotADigitCheck(String method, int hidden, byte[] w1, byte[] b1, byte[] w2, byte[] b2, double threshold,
                             Calibration calibration) {
    public static final String ENTRY = "not-a-digit.json";
    public static final String METHOD = "detector";
    /**
     * As wide as the widest check mnist-fcn writes (two detectors of 256, side by side); a bound on what a stranger's
     * zip can make us allocate.
     */
    public static final int MAX_HIDDEN = 512;

    /**
     * @param validationDigits        digit pictures the threshold was chosen on (MNIST validation images)
     * @param validationDigitsRefused the fraction of them refused
     * @param madeNegatives           made negatives it was checked on (not those the detector trained on)
     * @param madeNegativesRefused    the fraction of them refused
     * @param savedAt                 when
     */
    public record Calibration(int validationDigits, double validationDigitsRefused, int madeNegatives,
                              double madeNegativesRefused, String savedAt) {
    }

    /** Null when sound, else what is wrong: read from a stranger's zip, so every length and number is checked. */
    public String problem() {
        if (!METHOD.equals(method)) return "method '" + method + "' is not " + METHOD;
        if (hidden < 1 || hidden > MAX_HIDDEN) return "hidden is " + hidden + ", not 1.." + MAX_HIDDEN;
        if (!length(w1, Mnist.PIXELS * hidden) || !length(b1, hidden) || !length(w2, hidden * 2) || !length(b2, 2)) {
            return "the weights do not have the sizes of a 784-" + hidden + "-2 network";
        }
        if (!(threshold >= 0 && threshold <= 1)) return "threshold " + threshold + " is not in 0..1";
        for (byte[] b : new byte[][]{w1, b1, w2, b2}) {
            for (float f : floats(b)) if (!Float.isFinite(f)) return "a weight is not a finite number";
        }
        // what inspect shows of how it was chosen: "refuses 700% of -5 digits" was read without a word
        if (calibration == null) return "its calibration record is missing";
        if (calibration.validationDigits() < 1 || calibration.madeNegatives() < 1
                || !(calibration.validationDigitsRefused() >= 0 && calibration.validationDigitsRefused() <= 1)
                || !(calibration.madeNegativesRefused() >= 0 && calibration.madeNegativesRefused() <= 1)) {
            return "its calibration record's counts are not positive or its fractions not in 0..1";
        }
        return null;
    }

    private static boolean length(byte[] b, int floats) {
        return b != null && b.length == 4 * floats;
    }

    public static byte[] bytes(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    public static float[] floats(byte[] bytes) {
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
