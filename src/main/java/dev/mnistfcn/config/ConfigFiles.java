package dev.mnistfcn.config;

import dev.mnistfcn.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Finding a config by its name or path, and reading it (or a sweep file) as UTF-8 text, bounded. */
public final class ConfigFiles {
    private ConfigFiles() {
    }

    /**
     * {@code NAME} as a path if it is a file, else {@code config/NAME}; a name without an extension also as
     * {@code NAME.yaml} in both places ({@code -Dconfig=two-layer} is the shipped two-layer.yaml).
     */
    static Path locate(String name) {
        if (name.isBlank()) {
            throw new ConfigException("The config name is empty ('" + name + "'). Give a path to a YAML file, or the "
                    + "name of one in config/: " + available() + " (e.g. -Dconfig=two-layer.yaml or --config two-layer.yaml).");
        }
        Path direct = Path.of(name), inConfig = Path.of("config").resolve(name);
        List<Path> candidates = new ArrayList<>(List.of(direct, inConfig));
        Path fileName = direct.getFileName();
        if (fileName != null && !fileName.toString().contains(".")) { // ./config/two-layer too, not only two-layer
            candidates.addAll(List.of(Path.of(name + ".yaml"), Path.of("config").resolve(name + ".yaml")));
        }
        for (Path p : candidates) if (Files.isRegularFile(p)) return p;
        Path folder = Files.isDirectory(direct) ? direct : Files.isDirectory(inConfig) ? inConfig : null;
        if (folder != null) {
            throw new ConfigException("Config '" + name + "' is a folder (" + folder.toAbsolutePath() + "), not a YAML "
                    + "file. Give a path to a YAML file, or the name of one in config/: " + available() + ".");
        }
        if (Files.exists(direct)) {
            throw new ConfigException("Config file '" + name + "' is not a regular file (a device, pipe or socket). Give "
                    + "a path to a YAML file, or the name of one in config/: " + available() + ".");
        }
        for (Path p : candidates) {
            String link = UserError.brokenLink(p);
            if (link != null) {
                throw new ConfigException("Config file " + p + " is " + link + ". Give a path to a YAML file, or the "
                        + "name of one in config/: " + available() + ".");
            }
        }
        String looked = direct.isAbsolute() ? direct.toString() : direct.toAbsolutePath() + " and " + inConfig.toAbsolutePath();
        throw new ConfigException("Config file '" + name + "' not found: looked for " + looked + ". Give a path to a "
                + "YAML file, or the name of one in config/: " + available() + ".");
    }

    /** The YAML files in config/, for the error messages. */
    private static String available() {
        try (var files = Files.list(Path.of("config"))) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
                    .sorted().collect(Collectors.joining(", "));
        } catch (IOException e) {
            return "(no config/ folder here)";
        }
    }

    /**
     * The most a config or sweep file may hold, read no further. The shipped ones are under 2 kB, so a larger file is
     * almost surely not the one meant; and SnakeYAML's time grows with the square of a line's length (one 20 MB
     * comment line took 92 s to parse here, 1 MiB about 1 s), while a file of gigabytes ran out of memory.
     */
    static final int MAX_BYTES = 1 << 20;

    /** A config file as UTF-8 text (see {@link #readText}). */
    static String read(Path file) {
        return readText(file, "Config", () -> "Give a path to a YAML file, or the name of one in config/: " + available() + ".");
    }

    /**
     * A YAML file the user names, as UTF-8 text, in one-paragraph errors that call it "{@code kind} file" and end with
     * {@code whatToGive}: a folder, something that is not a regular file, more than {@link #MAX_BYTES} or bytes that
     * are not UTF-8 are each named as such (rather than as a decoder's "Input length = 1" or an out-of-memory).
     */
    public static String readText(Path file, String kind, Supplier<String> whatToGive) {
        if (Files.isDirectory(file)) {
            throw new ConfigException(kind + " " + file + " is a folder, not a YAML file. " + whatToGive.get());
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new ConfigException(kind + " file " + file + " is not a regular file (a device, pipe or socket). "
                    + whatToGive.get());
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new ConfigException(kind + " file " + file + " does not exist. " + whatToGive.get());
        } catch (IOException e) {
            throw new ConfigException(kind + " file " + file + " cannot be read: " + UserError.reason(e) + ".");
        }
        if (bytes.length > MAX_BYTES) {
            throw new ConfigException(kind + " file " + file + " is over " + (MAX_BYTES >> 20) + " MiB, the most "
                    + "mnist-fcn reads for one: a " + kind.toLowerCase(Locale.ROOT) + " file is a few kB of YAML. "
                    + "Check that this is the file you meant. " + whatToGive.get());
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(in).toString();
        } catch (CharacterCodingException e) {
            int at = in.position(); // the decoder stops at the first byte it cannot decode
            int line = 1;
            for (int i = 0; i < at; i++) if (bytes[i] == '\n') line++;
            throw new ConfigException(kind + " file " + file + " is not UTF-8 text: byte 0x"
                    + String.format(Locale.ROOT, "%02X", bytes[at] & 0xff) + " on line " + line + " is not valid UTF-8 (the file may "
                    + "be in Latin-1/Windows-1252, or not a text file). Save it as UTF-8; plain ASCII is UTF-8 too.");
        }
    }

    /** The run name a file gives when it names none: {@code two-layer.yaml} → two-layer. */
    public static String baseName(Path file) {
        String f = file.getFileName().toString();
        int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }
}
