package dev.mnistfcn.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mnistfcn.Json;
import dev.mnistfcn.TestModels;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Text from strangers' files reaches the terminal with its control characters as escapes. */
class TerminalTextTest {
    private static final String CLEAR_SCREEN = "\u001b[2J";

    @Test
    void controlCharactersBecomeEscapes() {
        assertEquals("a\\u001b[2Jb\\nc\\td\\r", TerminalText.shown("a" + CLEAR_SCREEN + "b\nc\td\r"));
        assertEquals("table\nrow \\u0007", TerminalText.shownLines("table\nrow \u0007"));
        String plain = "models/two-layer/model.zip, ümlaut";
        assertSame(plain, TerminalText.shown(plain));
    }

    /** The predict table's file column lines up in a terminal whatever script the names are in. */
    @Test
    void wideCharactersTakeTwoColumnsAndCombiningMarksNone() {
        assertEquals(7, TerminalText.columns("two.png"));
        assertEquals(8, TerminalText.columns("数字.png"), "two CJK characters, then four of ASCII");
        assertEquals(10, TerminalText.columns("숫자 7.png"), "Hangul");
        assertEquals(6, TerminalText.columns("ｄｉｇ"), "fullwidth Latin");
        assertEquals(4, TerminalText.columns("e\u0301t\u00e9s"), "a combining accent takes none");
        assertEquals(2, TerminalText.columns("\uD83D\uDE00"), "an emoji outside the BMP, one code point");
        assertEquals(2, TerminalText.columns("\uAC00\u1161"), "decomposed Hangul: the medial jamo takes none");
        assertEquals(2, TerminalText.columns("\uD83D\uDC4D\uD83C\uDFFD"), "a thumbs-up with a skin tone");
        assertEquals(2, TerminalText.columns("\uD83D\uDE80\u200D"), "a rocket, then a zero-width joiner");
        assertEquals(List.of(10, 10, 10), List.of(TerminalText.padded("数字.png", 10), TerminalText.padded("file", 10),
                TerminalText.padded("ｄｉｇ", 10)).stream().map(TerminalText::columns).toList());
    }

    /** A user's mistake is one paragraph whatever it quotes: here a run name with an escape sequence in it. */
    @Test
    void anErrorQuotingAValueStaysOneLineWithoutEscapeSequences() {
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"train", "--set", "name=a" + CLEAR_SCREEN + "\nerror: b"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(2, code);
        String text = err.toString();
        assertFalse(text.contains("\u001b"), text);
        assertTrue(text.contains("'a\\u001b[2J\\nerror: b'"), text);
        assertEquals(1, text.strip().lines().count(), text);
    }

    /** inspect prints a zip's layer names and provenance: a stranger's zip cannot clear the screen or add lines. */
    @Test
    @Tag("slow") // trains the tests' two-layer model (TestModels) unless another test did
    void inspectShowsAStrangersZipWithoutItsEscapeSequences(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("stranger" + CLEAR_SCREEN + ".zip"); // its name too (a CLI review: printed raw)
        Files.copy(TestModels.twoLayer(), zip, StandardCopyOption.REPLACE_EXISTING);
        try (var fs = FileSystems.newFileSystem(zip)) {
            Path meta = fs.getPath("mnist-fcn.json");
            ObjectNode m = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(meta));
            ((ObjectNode) m.get("provenance")).put("run", "two-layer" + CLEAR_SCREEN + "\nprovenance: forged");
            Files.write(meta, Json.MAPPER.writeValueAsBytes(m));
            Path conf = fs.getPath("configuration.json");
            ObjectNode c = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(conf));
            ((ObjectNode) c.get("confs").get(0).get("layer")).put("layerName", "dense" + CLEAR_SCREEN);
            Files.write(conf, Json.MAPPER.writeValueAsBytes(c));
        }
        var out = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"inspect", zip.toString()}, new PrintStream(out, true), System.err);
        String text = out.toString();
        assertEquals(0, code, text);
        assertFalse(text.contains("\u001b"), text);
        assertTrue(text.contains("dense\\u001b[2J"), text);
        assertTrue(text.contains("two-layer\\u001b[2J\\nprovenance: forged"), text);
        assertFalse(text.lines().anyMatch(l -> l.startsWith("provenance: forged")), text);
    }
}
