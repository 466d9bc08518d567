package dev.mnistfcn.interop;

import dev.mnistfcn.UserError;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a model expects for a pixel, as a map from mnist-fcn's pixel {@code p} (0..1, white digit on black):
 * {@code input = p · multiplier + offset}. Written {@code 0..1}, {@code 0..255} or {@code mean=M,std=S} (torchvision's
 * {@code Normalize(M, S)} after {@code ToTensor}, i.e. M and S in 0..1 units; MNIST's usual pair is 0.1307, 0.3081).
 */
public record InputScale(double multiplier, double offset, String text) {
    /** The key an ONNX file's {@code metadata_props} gives it under (mnist-fcn's exports write {@code 0..1}). */
    public static final String METADATA_KEY = "input_scale";
    public static final String CONVENTION = "28x28 grey pixels row by row, white digit on black, 0..1 (0 = background)";
    public static final InputScale UNIT = new InputScale(1, 0, "0..1");
    private static final Pattern MEAN_STD = Pattern.compile(
            "mean=([-+0-9.eE]+),\\s*std=([-+0-9.eE]+)");

    public static InputScale parse(String text, String where) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("0..1")) return UNIT;
        if (t.equals("0..255")) return new InputScale(255, 0, "0..255");
        Matcher m = MEAN_STD.matcher(t);
        if (m.matches()) {
            try {
                double mean = Double.parseDouble(m.group(1));
                double std = Double.parseDouble(m.group(2));
                if (std > 0 && Double.isFinite(mean) && Double.isFinite(std)) {
                    return new InputScale(1 / std, -mean / std, "mean=" + mean + ",std=" + std);
                }
            } catch (NumberFormatException ignored) {
                // falls through to the message below
            }
        }
        throw new UserError(where + " is '" + text + "', which is not an input scale. Accepted: 0..1 (pixels as "
                + "mnist-fcn gives them), 0..255, or mean=M,std=S for a model trained on (pixel - M) / S with "
                + "pixels in 0..1 (PyTorch's usual MNIST normalisation is mean=0.1307,std=0.3081).");
    }

    @Override
    public String toString() {
        return text;
    }
}
