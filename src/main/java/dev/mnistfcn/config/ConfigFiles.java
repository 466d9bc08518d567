package dev.mnistfcn.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;

/** Finding a config by its name or path, and reading it as UTF-8 text. */
final class ConfigFiles {
    private ConfigFiles() {
    }

    /** {@code NAME} as a path if it is a file, else {@code config/NAME}. */
    static Path locate(String name) {
        if (name.isBlank()) {
            throw new ConfigException("The config name is empty ('" + name + "'). Give a path to a YAML file, or the "
                    + "name of one in config/: " + available() + " (e.g. -Dconfig=two-layer.yaml or --config two-layer.yaml).");
        }
        Path direct = Path.of(name);
        if (Files.isRegularFile(direct)) return direct;
        Path inConfig = Path.of("config").resolve(name);
        if (Files.isRegularFile(inConfig)) return inConfig;
        Path folder = Files.isDirectory(direct) ? direct : Files.isDirectory(inConfig) ? inConfig : null;
        if (folder != null) {
            throw new ConfigException("Config '" + name + "' is a folder (" + folder.toAbsolutePath() + "), not a YAML "
                    + "file. Give a path to a YAML file, or the name of one in config/: " + available() + ".");
        }
        throw new ConfigException("Config file '" + name + "' not found: looked for " + direct.toAbsolutePath()
                + " and " + inConfig.toAbsolutePath() + ". Give a path to a YAML file, or the name of one in config/: "
                + available() + ".");
    }

    /** The YAML files in config/, for the error messages. */
    private static String available() {
        try (var files = Files.list(Path.of("config"))) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
                    .sorted().collect(Collectors.joining(", "));
        } catch (IOException e) {
            return "(no config/ folder here)";
        }
    }

    /** The file as UTF-8 text; anything else is named as such rather than as a decoder's "Input length = 1". */
    static String read(Path file) {
        if (Files.isDirectory(file)) {
            throw new ConfigException("Config " + file + " is a folder, not a YAML file. Give a path to a YAML file, "
                    + "or the name of one in config/: " + available() + ".");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("Config file " + file + " does not exist.");
        } catch (IOException e) {
            throw new ConfigException("Config file " + file + " cannot be read: " + e.getMessage());
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(in).toString();
        } catch (CharacterCodingException e) {
            int at = in.position(); // the decoder stops at the first byte it cannot decode
            int line = 1;
            for (int i = 0; i < at; i++) if (bytes[i] == '\n') line++;
            throw new ConfigException("Config file " + file + " is not UTF-8 text: byte 0x"
                    + String.format(Locale.ROOT, "%02X", bytes[at] & 0xff) + " on line " + line + " is not valid UTF-8 (the file may "
                    + "be in Latin-1/Windows-1252, or not a text file). Save it as UTF-8; plain ASCII is UTF-8 too.");
        }
    }

    /** The run name a file gives when it names none: {@code two-layer.yaml} → two-layer. */
    static String baseName(Path file) {
        String f = file.getFileName().toString();
        int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }
}
