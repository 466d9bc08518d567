package dev.mnistfcn.cli;

import dev.mnistfcn.UserError;
import dev.mnistfcn.config.Overrides;
import dev.mnistfcn.config.Spelling;
import dev.mnistfcn.sweep.JvmShutdown;
import dev.mnistfcn.sweep.LocalEngine;
import dev.mnistfcn.sweep.SweepFile;
import dev.mnistfcn.sweep.SweepJob;
import dev.mnistfcn.sweep.TrialEngine;
import dev.mnistfcn.sweep.TrialRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Search a config space: train every trial of a sweep file (in parallel worker processes, or as "
                + "Spark tasks), rank them by validation metric over seeds, write the table, the best config and a report.")
public final class SweepCommand implements Callable<Integer> {
    /** Built only with {@code mvn -Pspark}; looked up by name so the default build needs nothing of Spark. */
    static final String SPARK_ENGINE = "dev.mnistfcn.sweep.spark.SparkEngine";

    @Parameters(paramLabel = "SWEEP.yaml", arity = "0..1", description = "The sweep file (default: -Dsweep=...).")
    String file = CliProperties.path("sweep", null);

    @Option(names = "--engine", paramLabel = "ENGINE", description = "local (worker processes on this machine) or spark (default: -Dsweep.engine or local).")
    String engine = System.getProperty("sweep.engine", "local");

    @Option(names = "--master", paramLabel = "URL", description = "Spark master: local[N] (embedded) or spark://host:7077 (default: "
            + "-Dsweep.master or local[2]).")
    String master; // null: not given (the local engine refuses one: it was ignored without a word)

    @Option(names = "--name", paramLabel = "NAME", description = "Run the sweep under this name (its folder) instead of the file's "
            + "(default: -Dsweep.name).")
    String name = System.getProperty("sweep.name");

    @Option(names = "--workers", paramLabel = "N", description = "Local worker processes (default: -Dworkers, or one per core, capped by memory).")
    Integer workers;

    @Option(names = "--threads", paramLabel = "N", description = "Threads per local worker (default: -Dthreads or 1).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        if (file == null) {
            throw new UserError("No sweep file given: pass one (sweep config/sweeps/mnist-small.yaml), or -Dsweep=FILE "
                    + "with mvn exec:java.");
        }
        SweepFile sweep = SweepFile.load(Path.of(file));
        if (name != null) sweep = sweep.withName(name);
        // As compare: -D config keys apply, but not -Dname (the sweep names its runs; --name names the sweep), which
        // was ignored without a word: a user who meant -Dsweep.name got the file's sweep folder.
        CliProperties.refuseIgnored("name", v -> "a sweep names its own runs. To name the sweep (its folder), give "
                + "-Dsweep.name=" + v + " or --name " + v + ".");
        sweep = sweep.withOverrides(Overrides.none().withSystemProperties().asMap());
        // Stopped (Ctrl+C, SIGTERM), the engine stops its workers (a SIGTERM to this JVM alone reaches none) and the
        // sweep ends saying it was interrupted; this JVM's shutdown waits for that line (10 s at most), where it had
        // often ended first, without a word.
        CountDownLatch said = new CountDownLatch(1);
        AtomicBoolean stopRequested = new AtomicBoolean();
        AtomicReference<TrialEngine> running = new AtomicReference<>();
        Thread waitForIt = new Thread(() -> {
            stopRequested.set(true);
            TrialEngine e = running.get();
            if (e != null) e.stopNow();
            try {
                said.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // stop waiting
            }
        }, "sweep-stopping");
        SweepFile toRun = sweep; // final, for the lambda
        return WhileRunning.withShutdownHook(waitForIt, () -> {
            try (TrialEngine e = engine()) {
                if (e == null) return relaunchForSpark();
                running.set(e);
                if (stopRequested.get()) e.stopNow(); // the hook ran before the engine was there
                SweepJob.Outcome outcome = new SweepJob(System.out).run(toRun, e);
                return outcome.runs(TrialRunner.How.FAILED).isEmpty() ? 0 : 1;
            } catch (UserError stopped) {
                if (!TrialEngine.isInterrupted(stopped) || !JvmShutdown.begun()) throw stopped;
                // said here: once the latch opens, the JVM may end before picocli's handler would say it
                Main.userError(System.err, stopped);
                return 128 + 2;
            } finally {
                said.countDown();
            }
        });
    }

    /** The engine, or null when Spark needs this command rerun in a JVM that opens java.base to it. */
    private TrialEngine engine() throws ReflectiveOperationException {
        switch (Spelling.of(engine, List.of("local", "spark"))) {
            case "local" -> {
                if (master != null || System.getProperty("sweep.master") != null) {
                    throw new UserError("--master (-Dsweep.master) is for --engine spark; the local engine runs worker "
                            + "processes on this machine (--workers, --threads). Add --engine spark, or leave --master out.");
                }
                Integer w = workers == null && System.getProperty("workers") == null ? null
                        : CliProperties.wholeNumber("workers", workers, 1, 1, "local worker processes");
                int t = CliProperties.wholeNumber("threads", threads, 1, 1, "threads per local worker");
                return LocalEngine.forThisMachine(w, t);
            }
            case "spark" -> {
                if (workers != null || threads != null || System.getProperty("workers") != null
                        || System.getProperty("threads") != null) { // they were ignored without a word (a review)
                    throw new UserError("--workers and --threads (-Dworkers, -Dthreads) are for the local engine; "
                            + "--engine spark runs as many runs at once as its master has task slots: --master local[N] "
                            + "for N at once here. Leave them out, or drop --engine spark.");
                }
                Class<?> spark = sparkEngine();
                if (!Object.class.getModule().isOpen("java.lang", SweepCommand.class.getModule())) return null;
                return (TrialEngine) spark.getConstructor(String.class).newInstance(master());
            }
            default -> throw new UserError("--engine has value '" + engine + "', which is not accepted. Expected local "
                    + "(worker processes on this machine) or spark (Spark tasks; build with mvn -Pspark).");
        }
    }

    private String master() {
        return master != null ? master : System.getProperty("sweep.master", "local[2]");
    }

    private Class<?> sparkEngine() {
        try {
            Class.forName("org.apache.spark.SparkConf"); // a stale class of an earlier -Pspark build is not enough
            return Class.forName(SPARK_ENGINE);
        } catch (ClassNotFoundException | LinkageError e) {
            // this sweep's own file and name: a fixed example ran another sweep when copied (a review)
            throw new UserError("--engine spark needs the Spark build, which the default one leaves out: run with the "
                    + "spark profile, e.g. mvn -q -Pspark compile exec:java -Dsweep=" + file + " -Dsweep.engine=spark"
                    + (name == null ? "" : " -Dsweep.name=" + name) + ".");
        }
    }

    /** Spark on Java 17 needs {@code --add-opens}; a running JVM cannot open itself, so a child JVM runs the sweep. */
    @SuppressWarnings("unchecked")
    private int relaunchForSpark() throws Exception {
        List<String> opens = (List<String>) sparkEngine().getField("JAVA_OPENS").get(null);
        List<String> args = new ArrayList<>(List.of("sweep", file, "--engine", "spark", "--master", master()));
        if (name != null) args.addAll(List.of("--name", name));
        List<String> cmd = NativeSettings.command(Main.class, opens, args);
        if (cmd.isEmpty()) {
            throw new UserError("--engine spark needs a JVM started with --add-opens, and this one cannot tell its "
                    + "classpath to start it; run through mvn -Pspark exec:java or java -cp.");
        }
        AttachedChild.Child child = AttachedChild.runAttached(cmd, NativeSettings.childEnvironment());
        if (!child.started()) {
            throw new UserError("The JVM for the Spark sweep did not start (exit code " + child.exitCode() + "): "
                    + child.before().strip().replace(System.lineSeparator(), " | ") + ". Check the JVM options and "
                    + "JAVA_TOOL_OPTIONS this one runs with.");
        }
        return child.exitCode();
    }
}
