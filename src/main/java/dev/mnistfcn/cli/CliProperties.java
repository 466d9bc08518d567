package dev.mnistfcn.cli;

import dev.mnistfcn.UserError;
import dev.mnistfcn.config.HomeFolder;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * System properties that stand for command-line options under {@code mvn exec:java} ({@code -Dquick},
 * {@code -Dseeds}), checked like config keys: a value that is not accepted is an error naming the property,
 * where {@code Boolean.getBoolean} and {@code Integer.getInteger} would quietly read it as false or the default.
 * Read in {@code call()}, not in field initialisers, so that a bad value is reported as a user error.
 */
final class CliProperties {
    private CliProperties() {
    }

    /**
     * {@code -Dname=true} or {@code false}; {@code -Dname} alone (an empty value, as {@code java -Dquick} gives)
     * means true, as it does for Maven's own {@code -Dflag}. Absent: false.
     */
    static boolean flag(String name) {
        return flag(name, "--" + name);
    }

    /** As above; {@code instead} is what the error offers in its place ({@code --quick}, the serve command). */
    static boolean flag(String name, String instead) {
        String v = System.getProperty(name);
        if (v == null || v.equals("false")) return false;
        if (v.isEmpty() || v.equals("true")) return true;
        throw new UserError("-D" + name + " has value '" + v + "', which is not accepted. Expected true or false "
                + "(-D" + name + " alone means true; or use " + instead + ").");
    }

    /**
     * The option's value if it was given ({@code --name N}), else {@code -Dname=N}, else {@code fallback};
     * either must be a whole number ≥ {@code min}, written in decimal digits ({@code 012} is twelve).
     *
     * @param meaning what the number counts, for the error message
     */
    static int wholeNumber(String name, Integer option, int min, int fallback, String meaning) {
        return wholeNumber(name, option, min, Integer.MAX_VALUE, fallback, meaning);
    }

    /** As above, at most {@code max}. */
    static int wholeNumber(String name, Integer option, int min, int max, int fallback, String meaning) {
        String range = String.format(Locale.ROOT, "a whole number from %d to %,d written with the digits 0-9 (%s)", min,
                max, meaning);
        String expected = max == Integer.MAX_VALUE ? "a whole number ≥ " + min + " written with the digits 0-9 ("
                + meaning + ")" : range;
        if (option != null) {
            if (option < min || option > max) throw notAccepted("--" + name, String.valueOf(option), expected);
            return option;
        }
        String v = System.getProperty(name);
        if (v == null) return fallback;
        if (!v.matches("-?[0-9]+")) throw notAccepted("-D" + name, v, expected);
        BigInteger n = new BigInteger(v);
        if (n.compareTo(BigInteger.valueOf(min)) < 0) throw notAccepted("-D" + name, v, expected);
        if (n.compareTo(BigInteger.valueOf(max)) > 0) throw notAccepted("-D" + name, v, range);
        return n.intValue();
    }

    /**
     * {@code -Dname=PATH}, else {@code fallback} (may be null): a leading {@code ~} or {@code ~/} is the home folder,
     * as a shell would read it; bash leaves a tilde after {@code -Dname=} as it is.
     */
    static String path(String name, String fallback) {
        String v = System.getProperty(name, fallback);
        return v == null ? null : HomeFolder.expanded(v);
    }

    /**
     * {@code -Dname=A,B,…} (else {@code fallback}, which may be null) as its items, each stripped of the spaces around
     * it ({@code -Dcompare="one-layer.yaml, two-layer.yaml"}), empty ones left out; an empty list where neither is given.
     */
    static List<String> list(String name, String fallback) {
        String v = System.getProperty(name, fallback);
        return v == null ? List.of() : Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static UserError notAccepted(String what, String value, String expected) {
        return new UserError(what + " has value '" + value + "', which is not accepted. Expected " + expected + ".");
    }
}
