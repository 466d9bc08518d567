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
