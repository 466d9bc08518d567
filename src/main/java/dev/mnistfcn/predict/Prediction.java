package dev.mnistfcn.predict;

/**
 * What the model says about one picture.
 *
 * @param digit         the most probable digit
 * @param confidence    its probability
 * @param probabilities the ten class probabilities, digit 0 first
 * @param preprocessed  the 784 pixels (28×28, 0..1, row by row) the model saw
 * @param notADigit     the model's not-a-digit check refused the picture ({@link NotADigit}); digit and
 *                      probabilities are still what the network says
 */
public record Prediction(int digit, float confidence, float[] probabilities, float[] preprocessed, boolean notADigit) {
    /** The second most probable digit. */
    public int runnerUp() {
        int best = -1;
        for (int d = 0; d < probabilities.length; d++) {
            if (d != digit && (best < 0 || probabilities[d] > probabilities[best])) best = d;
        }
        return best;
    }
}
