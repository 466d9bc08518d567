package dev.mnistfcn.cli;

import dev.mnistfcn.Timeline;
import dev.mnistfcn.UserError;
import dev.mnistfcn.Versions;
import dev.mnistfcn.config.HomeFolder;
import dev.mnistfcn.engine.NativeStart;
import dev.mnistfcn.job.EarlyStart;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Entry point for {@code mvn exec:java} and the plain CLI. With no arguments the -D properties pick the command
 * ({@link #defaultArgs}): train the config named by {@code -Dconfig=...} (default two-layer.yaml) unless one of them
 * asks to serve, predict, compare, walk through, sweep or evaluate.
 */
@Command(name = "mnist-fcn", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Train, evaluate and compare fully-connected networks on MNIST (Deeplearning4j).",
        subcommands = {TrainCommand.class, EvaluateCommand.class, InspectCommand.class, ExportCommand.class,
                CompareCommand.class, BenchCommand.class, WalkthroughCommand.class, PredictCommand.class,
                ServeCommand.class, SweepCommand.class, CalibrateCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        Timeline.process().mark(NativeSettings.isRelaunched() ? "child_main" : "main");
        // The CLI speaks English: numbers formatted as in its text under every locale. Ours name Locale.ROOT
        // (ArchitectureTest); this covers DL4J's, whose net.summary() printed "218.058" under German (a review).
        Locale.setDefault(Locale.Category.FORMAT, Locale.ROOT);
        String unreadable = unreadableArgument(args);
        if (unreadable != null) {
            System.err.println("error: " + TerminalText.shown(unreadable));
            System.exit(2);
        }
        var relaunched = NativeSettings.relaunchIfNeeded(Main.class, args);
        if (relaunched.isEmpty() && EarlyStart.enabled()) NativeStart.inBackground();
        int code = relaunched.isPresent() ? relaunched.get() // the child checked its own output
                : StandardOutput.checked(run(args, System.out, System.err), System.out, System.err);
        if (code != 0) {
            System.exit(code); // under exec:java this also stops Maven, without a stack trace
        }
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String[] effective;
        try {
            CliProperties.refuseMisspelled();
            effective = args.length == 0 ? defaultArgs() : args; // reads -Dserve, outside picocli's handler
        } catch (UserError e) {
            return userError(err, e);
        }
        CommandLine cli;
        try {
            cli = new CommandLine(new Main());
        } catch (RuntimeException e) { // an option's default read from -D or the environment (-Dmodel, MNIST_FCN_DATA_DIR)
            UserError mistake = usersMistake(e);
            if (mistake != null) return userError(err, mistake);
            throw e;
        }
        cli.setOut(new java.io.PrintWriter(out, true))
                .setErr(new java.io.PrintWriter(err, true))
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    UserError mistake = usersMistake(ex);
                    if (mistake != null) return userError(err, mistake);
                    Integer said = machineFailure(ex, err);
                    if (said != null) return said;
                    throw ex;
                });
        // A path option takes ~ as a shell would: bash leaves --out=~/x as it is, which made a folder named "~" here
        cli.registerConverter(Path.class, Main::path);
        // every subcommand offers -V (mixinStandardHelpOptions) and printed nothing for it
        cli.getSubcommands().values().forEach(sub -> sub.getCommandSpec().versionProvider(new Version()));
        try {
            return cli.execute(effective);
        } catch (OutOfMemoryError | LinkageError e) { // thrown on the command's own thread: picocli passes Errors on
            Integer said = machineFailure(e, err);
            if (said == null) throw e;
            return said;
        }
    }

    /**
     * The exit code after one paragraph where {@code e} is the machine's limit rather than a bug: out of memory, or
     * ND4J's native libraries not loading (on this thread, or first on the spare core: {@link NativeStart#cause});
     * null where it is neither.
     */
    private static Integer machineFailure(Throwable e, PrintStream err) {
        Throwable real = NativeStart.cause(e);
        for (Throwable c = real; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError oom) return outOfMemory(err, oom);
        }
        UserError nativeStart = NativeStart.explained(real);
        return nativeStart == null ? null : userError(err, nativeStart);
    }

    /** mnist-fcn's version from pom.xml, and the library and Java it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"mnist-fcn " + Versions.mnistFcn() + " (Deeplearning4j " + Versions.dl4j() + ", Java "
                    + System.getProperty("java.version") + ")"};
        }
    }

    /** A path option's value: {@code ~/…} as the home folder ({@link HomeFolder}); one this system cannot name refused. */
    static Path path(String value) {
        try {
            return Path.of(HomeFolder.expanded(value));
        } catch (InvalidPathException e) {
            throw new CommandLine.TypeConversionException(notAPath(e).getMessage());
        }
    }

    /**
     * Under a locale that is not UTF-8 (LANG=C or POSIX, as in Docker, cron and ssh sessions) an argument's characters
     * outside ASCII reach Java as U+FFFD, which the relaunch handed the child JVM as '?': a path then named another
     * file (export wrote into a new folder "??ut" for "öut"). Refused before anything runs; null where all are read.
     */
    static String unreadableArgument(String[] args) {
        if ("UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"))) return null;
        for (String a : args) {
            if (a.indexOf('\uFFFD') >= 0) {
                return notAPath(new java.nio.file.InvalidPathException(a, "the locale " + System.getProperty(
                        "sun.jnu.encoding") + " cannot read its characters outside ASCII")).getMessage();
            }
        }
        return null;
    }

    /** The user's mistake {@code e} is, or was caused by: a {@link UserError}, or a path the locale cannot name. */
    private static UserError usersMistake(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof UserError u) return u;
            if (cause instanceof InvalidPathException p) return notAPath(p);
        }
        return null;
    }

    /** Java names files in the locale's charset: under LANG=C (Docker, cron, ssh) an ü cannot be one. */
    static UserError notAPath(InvalidPathException e) {
        return new UserError("'" + e.getInput() + "' is not a path this system can name (" + e.getReason() + "). Under a "
                + "locale that is not UTF-8 (LANG=C or POSIX, as in Docker, cron and ssh sessions) Java cannot name files "
                + "with characters outside ASCII: run with LANG=C.UTF-8, or rename the file.");
    }

    static int userError(PrintStream err, UserError e) {
        err.println("error: " + TerminalText.shown(e.getMessage())); // it may quote a stranger's file
        return 2;
    }

    private static int outOfMemory(PrintStream err, OutOfMemoryError e) {
        err.println("error: " + UserError.outOfMemory(e));
        return 2;
    }

    /**
     * {@code mvn exec:java} passes no arguments: {@code -Dcompare=…} compares, {@code -Dwalkthrough=CONFIG} runs the
     * plain-DL4J walkthrough, {@code -Dpredict=PATH[,PATH…]} predicts pictures and {@code -Dserve=true} serves (both
     * with {@code -Dmodel=ZIP} if given), {@code -Dsweep=SWEEP.yaml} sweeps, {@code -Dmodel=ZIP} alone evaluates,
     * else train.
     */
    private static String[] defaultArgs() {
        // One command at a time: the first of these used to win and the others were ignored without a word.
        List<String> commands = new ArrayList<>();
        if (CliProperties.flag("serve", "the serve command")) commands.add("serve");
        for (String c : List.of("predict", "compare", "walkthrough", "sweep")) {
            if (System.getProperty(c) != null) commands.add(c);
        }
        if (commands.size() > 1) {
            throw new UserError(commands.stream().map(c -> "-D" + c).collect(Collectors.joining(" and ")) + " name "
                    + commands.size() + " commands; give one at a time.");
        }
        if (!commands.isEmpty()) return new String[]{commands.get(0)};
        if (System.getProperty("model") == null) return new String[]{"train"};
        // -Dmodel evaluates: the training properties beside it were ignored without a word
        List<String> training = List.of("config", "quick", "resume").stream().filter(p -> System.getProperty(p) != null)
                .map(p -> "-D" + p).toList();
        if (!training.isEmpty()) {
            throw new UserError("-Dmodel evaluates a saved model, and " + String.join(", ", training) + " train"
                    + (training.size() == 1 ? "s" : "") + " one; give one or the other (-Dmodel with -Dpredict "
                    + "predicts pictures with it).");
        }
        return new String[]{"evaluate"};
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
