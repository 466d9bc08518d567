package dev.mnistfcn.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mnistfcn.Json;
import dev.mnistfcn.UserError;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** The {@value NotADigitCheck#ENTRY} entry of a model zip: read from a stranger's zip, or written into our own. */
public final class NotADigitEntry {
    /** A 784-512-2 detector as base64 float32 is 2.1 MB; anything larger is not one. */
    public static final int MAX_BYTES = 3 << 20;

    private NotADigitEntry() {
    }

    /** The check in {@code bytes}, read from {@code file}; a damaged one is a clear error, never a silent "no check". */
    static NotADigitCheck read(Path file, byte[] bytes) {
        NotADigitCheck check;
        try {
            // A key left out reads as 0 or null, which problem() names.
            check = Json.MAPPER.readValue(bytes, NotADigitCheck.class);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) { // Jackson's words name our classes
            String key = e.getPath().isEmpty() ? "the entry" : "key '" + dev.mnistfcn.config.YamlLines.keyPath(e) + "'";
            throw damaged(file, key + " is of the wrong type: it is not " + dev.mnistfcn.config.YamlLines.typeName(e.getTargetType()));
        } catch (JsonProcessingException e) {
            throw damaged(file, "not the JSON of a check: " + Json.problem(e));
        } catch (IOException e) {
            throw damaged(file, e.getMessage());
        }
        String problem = check.problem();
        if (problem != null) throw damaged(file, problem);
        return check;
    }

    private static UserError damaged(Path file, String why) {
        return new UserError("Model file " + file + " has an unusable " + NotADigitCheck.ENTRY + " (" + why + "). "
                + "Calibrate the model again (mnist-fcn calibrate " + file + ") to replace it.");
    }

    /** The entry's bytes for {@code check}, a sound one. */
    static byte[] bytes(NotADigitCheck check) throws JsonProcessingException {
        String problem = check.problem();
        if (problem != null) throw new IllegalArgumentException("not a sound check: " + problem);
        return Json.MAPPER.writeValueAsBytes(check);
    }

    /**
     * Writes {@code check} into the model zip {@code file} (already loaded, so already checked), replacing the one
     * it holds: every other entry is copied as it is, and the zip is replaced atomically.
     */
    public static void write(Path file, NotADigitCheck check) throws IOException {
        byte[] json = bytes(check);
        byte[] original = Files.readAllBytes(file);
        AtomicFiles.writeAtomically(file, out -> {
            try (ZipInputStream in = new ZipInputStream(new BufferedInputStream(new java.io.ByteArrayInputStream(original)));
                 ZipOutputStream zip = new ZipOutputStream(out)) {
                for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    if (e.getName().equals(NotADigitCheck.ENTRY)) continue;
                    zip.putNextEntry(new ZipEntry(e.getName()));
                    in.transferTo(zip);
                    zip.closeEntry();
                }
                zip.putNextEntry(new ZipEntry(NotADigitCheck.ENTRY));
                zip.write(json);
                zip.closeEntry();
            }
        });
    }
}
