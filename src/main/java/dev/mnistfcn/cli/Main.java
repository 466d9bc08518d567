package dev.mnistfcn.cli;

import dev.mnistfcn.Timeline;
import dev.mnistfcn.UserError;
import dev.mnistfcn.engine.NativeStart;
import dev.mnistfcn.job.EarlyStart;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;

/**
 * Entry point for {@code mvn exec:java} and the plain CLI. With no subcommand it trains the config
 * named by {@code -Dconfig=...} (default two-layer.yaml).
 */
@Command(name = "mnist-fcn", mixinStandardHelpOptions = true, version = "mnist-fcn 0.1.0",
        description = "Train, evaluate and compare fully-connected networks on MNIST (Deeplearning4j).",
        subcommands = {TrainCommand.class, EvaluateCommand.class, InspectCommand.class, ExportCommand.class,
                CompareCommand.class, BenchCommand.class, WalkthroughCommand.class, PredictCommand.class,
                ServeCommand.class, SweepCommand.class, CalibrateCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        Timeline.process().mark(NativeSettings.isRelaunched() ? "child_main" : "main");
        var relaunched = NativeSettings.relaunchIfNeeded(Main.class, args);
        if (relaunched.isEmpty() && EarlyStart.enabled()) NativeStart.inBackground();
        int code = relaunched.orElseGet(() -> run(args, System.out, System.err));
        if (code != 0) {
            System.exit(code); // under exec:java this also stops Maven, without a stack trace
        }
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String[] effective = args.length == 0 ? defaultArgs() : args;
        CommandLine cli = new CommandLine(new Main())
                .setOut(new java.io.PrintWriter(out, true))
                .setErr(new java.io.PrintWriter(err, true))
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    Throwable cause = ex;
                    while (cause != null && !(cause instanceof UserError)) cause = cause.getCause();
                    if (cause != null) {
                        err.println("error: " + cause.getMessage());
                        return 2;
                    }
                    throw ex;
                });
        return cli.execute(effective);
    }

    /**
     * {@code mvn exec:java} passes no arguments: {@code -Dcompare=…} compares, {@code -Dwalkthrough=CONFIG} runs the
     * plain-DL4J walkthrough, {@code -Dpredict=PATH[,PATH…]} predicts pictures and {@code -Dserve=true} serves (both
     * with {@code -Dmodel=ZIP} if given), {@code -Dsweep=SWEEP.yaml} sweeps, {@code -Dmodel=ZIP} alone evaluates,
     * else train.
     */
    private static String[] defaultArgs() {
        if (CliProperties.flag("serve")) return new String[]{"serve"};
        if (System.getProperty("predict") != null) return new String[]{"predict"};
        if (System.getProperty("compare") != null) return new String[]{"compare"};
        if (System.getProperty("walkthrough") != null) return new String[]{"walkthrough"};
        if (System.getProperty("sweep") != null) return new String[]{"sweep"};
        return new String[]{System.getProperty("model") != null ? "evaluate" : "train"};
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
