package dev.mnistfcn.cli;

import java.util.Locale;

/**
 * Text from outside the program (a picture's file name, a stranger's model zip) as the terminal is given it: control
 * characters written as escapes ({@code \n}, {@code \t}, and {@code \\u001b} for ESC), so that such text cannot
 * send escape sequences to the terminal (clear the screen, recolour or rewrite what was printed) or pass for lines
 * of the program's own. CSV, JSON and HTML carry it as it is, in their own quoting.
 */
final class TerminalText {
    private TerminalText() {
    }

    /** {@code text} on one line: every control character, line breaks included, as an escape. */
    static String shown(String text) {
        return escaped(text, false);
    }

    /** {@code text} with its own line breaks kept (a table DL4J wrote): every other control character as an escape. */
    static String shownLines(String text) {
        return escaped(text, true);
    }

    /**
     * The columns a terminal gives {@code text}: two for East Asian wide and fullwidth characters (CJK, Hangul,
     * fullwidth forms, emoji), none for combining marks, format characters (zero-width joiner, byte-order mark),
     * Hangul's medial and final jamo (decomposed Hangul, as macOS writes file names) and emoji skin tones, one for the
     * rest. The JDK has no East Asian Width property; these are Markus Kuhn's wcwidth ranges with the emoji blocks.
     */
    static int columns(String text) {
        return text.codePoints().map(TerminalText::columns).sum();
    }

    /** {@code text} and spaces up to {@code columns} columns ({@code %-Ns} counts characters, not columns). */
    static String padded(String text, int columns) {
        return text + " ".repeat(Math.max(0, columns - columns(text)));
    }

    private static int columns(int c) {
        int type = Character.getType(c);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
                || c == 0x200B || c >= 0x1160 && c <= 0x11FF || c >= 0x1F3FB && c <= 0x1F3FF) {
            return 0;
        }
        boolean wide = c >= 0x1100 && (c <= 0x115F || c == 0x2329 || c == 0x232A
                || c >= 0x2E80 && c <= 0xA4CF && c != 0x303F || c >= 0xAC00 && c <= 0xD7A3 || c >= 0xF900 && c <= 0xFAFF
                || c >= 0xFE10 && c <= 0xFE19 || c >= 0xFE30 && c <= 0xFE6F || c >= 0xFF00 && c <= 0xFF60
                || c >= 0xFFE0 && c <= 0xFFE6 || c >= 0x1F300 && c <= 0x1F64F || c >= 0x1F680 && c <= 0x1F6FF
                || c >= 0x1F900 && c <= 0x1F9FF
                || c >= 0x20000 && c <= 0x3FFFD);
        return wide ? 2 : 1;
    }

    private static String escaped(String text, boolean keepLineBreaks) {
        if (text.chars().noneMatch(Character::isISOControl)) return text;
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (char c : text.toCharArray()) {
            if (!Character.isISOControl(c) || keepLineBreaks && c == '\n') sb.append(c);
            else if (c == '\n') sb.append("\\n");
            else if (c == '\t') sb.append("\\t");
            else if (c == '\r') sb.append("\\r");
            else sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
        }
        return sb.toString();
    }
}
