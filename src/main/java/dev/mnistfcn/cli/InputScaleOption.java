package dev.mnistfcn.cli;

import dev.mnistfcn.interop.InputScale;
import picocli.CommandLine.Option;

/**
 * {@code --input-scale} (a picocli mixin) for every command that reads an .onnx model: written once, so that each
 * also reads {@code -Dinput.scale} (export alone did not).
 */
final class InputScaleOption {
    @Option(names = "--input-scale", paramLabel = "SCALE", description = "For an .onnx model without input_scale "
            + "metadata, the pixels it was trained on: 0..1 (default), 0..255 or mean=M,std=S; also -Dinput.scale=...")
    String given;

    /** The scale given, the option first, else the property: checked here, so that an error names the one given. */
    String value() {
        if (given != null) return given;
        String property = System.getProperty("input.scale");
        if (property != null) InputScale.parse(property, "-Dinput.scale");
        return property;
    }
}
