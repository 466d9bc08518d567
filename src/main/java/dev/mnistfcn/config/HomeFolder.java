package dev.mnistfcn.config;

/**
 * A config's folder written as in a shell: {@code ~} and {@code ~/…} mean the user's home. Nothing expands them in
 * YAML, in {@code -Doutput.dir=~/…} (bash expands a tilde after '=' only in variable assignments) or in a quoted
 * {@code --set}, and a run then made a folder literally named {@code ~} in the working folder, printed as
 * "~/models/…" as if it were the home: a trap ({@code rm -rf ~} to remove it deletes the home). The CLI's path
 * properties ({@code -Dmodel=~/…}) read it so too ({@code CliProperties.path}).
 */
public final class HomeFolder {
    private HomeFolder() {
    }

    /** {@code path} with a leading {@code ~} or {@code ~/} as the user's home folder; any other path as it is. */
    public static String expanded(String path) {
        return expanded(path, System.getenv("HOME"));
    }

    static String expanded(String path, String homeVariable) {
        if (path == null || !(path.equals("~") || path.startsWith("~/"))) return path;
        return home(homeVariable) + path.substring(1);
    }

    /** The user's home folder, as {@code ~} means it. */
    public static String home() {
        return home(System.getenv("HOME"));
    }

    /**
     * The home a shell's {@code ~} means: {@code $HOME} where set, as bash takes it; Java's user.home only where it
     * is not. user.home comes from the password file, so a user with no entry there (Docker's {@code --user 12345})
     * got "?" and a folder named "?" in the working folder, and {@code HOME=/elsewhere} was ignored (a review).
     */
    static String home(String variable) {
        return variable != null && !variable.isEmpty() ? variable : System.getProperty("user.home");
    }

    /** A leading {@code ~} still there after {@link #expanded}: another user's home ({@code ~bob/…}), not expanded. */
    static boolean unexpanded(String path) {
        return path.startsWith("~");
    }
}
