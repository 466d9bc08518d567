package dev.mnistfcn.config;

import java.util.List;

/** {@code data.augment}'s checks, apart from {@link ConfigValidator} for their size; ranges in docs/beyond-99.md. */
final class AugmentChecks {
    private static final String P = "data.augment.";

    private AugmentChecks() {
    }

    static void check(String where, AugmentSpec a) {
        range(where, "rotation", a.rotation(), 0, 180, "a number of degrees from 0 to 180 (each image turns by an angle "
                + "drawn uniformly from -rotation to +rotation; 10 is a usual choice)");
        range(where, "shear", a.shear(), 0, 60, "a number of degrees from 0 to 60 (a shear along x drawn uniformly from "
                + "-shear to +shear, as torchvision's RandomAffine shear)");
        range(where, "translation", a.translation(), 0, 14, "a number of pixels from 0 to 14 (each axis moves by an "
                + "amount drawn uniformly from -translation to +translation; 2 is a usual choice)");
        List<Double> s = a.scale();
        if (s != null) {
            String accepted = "a list of two scale factors [min, max] with 0.25 ≤ min ≤ max ≤ 4 (each image is resized "
                    + "about its centre by a factor drawn uniformly between them; [0.9, 1.1] is a usual choice)";
            if (s.size() != 2 || s.get(0) == null || s.get(1) == null) ConfigValidator.fail(where, P + "scale", s, accepted);
            if (!(s.get(0) >= 0.25 && s.get(0) <= s.get(1) && s.get(1) <= 4)) ConfigValidator.fail(where, P + "scale", s, accepted);
        }
        ElasticSpec e = a.elastic();
        if (e != null) {
            if (e.alpha() == null || !(e.alpha() >= 0 && e.alpha() <= 100)) {
                ConfigValidator.fail(where, P + "elastic.alpha", e.alpha(), "a number of pixels from 0 to 100 (the "
                        + "strength of Simard's elastic distortion; 34 with sigma 4 in their paper; the key is required)");
            }
            if (e.sigma() == null || !(e.sigma() >= 0.5 && e.sigma() <= 14)) {
                ConfigValidator.fail(where, P + "elastic.sigma", e.sigma(), "a number of pixels from 0.5 to 14 (the "
                        + "smoothness of Simard's elastic distortion: the Gaussian's standard deviation; 4 in their paper; "
                        + "the key is required)");
            }
            double moved = rmsDisplacement(e.alpha(), e.sigma());
            if (moved > MAX_RMS_PIXELS) {
                ConfigValidator.fail(where, P + "elastic", "alpha " + ConfigValidator.shown(e.alpha()) + ", sigma "
                        + ConfigValidator.shown(e.sigma()), String.format(java.util.Locale.ROOT, "settings that move a "
                        + "pixel by at most %.0f px (root mean square, about alpha / (2·√(3π)·sigma)); these move it "
                        + "about %.0f px, a picture's digit erased. Simard's alpha 34 with sigma 4 moves it 1.4 px: lower "
                        + "alpha or raise sigma", MAX_RMS_PIXELS, moved));
            }
        }
    }

    /** A quarter of the 28-pixel picture: more and the elastic field scatters a digit's ink (a review). */
    static final double MAX_RMS_PIXELS = 7;

    /**
     * The elastic field's root-mean-square displacement per axis: uniform [-1, 1] values (variance 1/3) blurred by a
     * Gaussian of {@code sigma} (the sum of its squared taps about 1 / (2·√π·sigma)) and scaled by {@code alpha}.
     */
    static double rmsDisplacement(double alpha, double sigma) {
        return alpha / (2 * Math.sqrt(3 * Math.PI) * sigma);
    }

    private static void range(String where, String key, Double v, double min, double max, String accepted) {
        if (v != null && !(v >= min && v <= max)) ConfigValidator.fail(where, P + key, v, accepted);
    }
}
