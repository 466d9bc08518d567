package dev.mnistfcn.sweep.spark;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mnistfcn.Json;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.sweep.ChildJvm;
import dev.mnistfcn.sweep.JvmShutdown;
import dev.mnistfcn.sweep.TrialEngine;
import dev.mnistfcn.sweep.TrialRunner;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Runs a sweep's runs as Spark tasks: {@code local[N]} (an embedded Spark, N tasks at once in this JVM) or a
 * cluster ({@code spark://host:7077}). Each run is its own one-task job, submitted all at once, so the scheduler
 * fills every free slot and the console hears of each run as it ends.
 *
 * <p>What travels: the driver sends each run's resolved config (YAML text, a few hundred bytes); the executor
 * trains it with {@link TrialRunner} and sends back one line ({@code run, how, error}). MNIST is read by each
 * executor from its {@code data.dir} (checksummed as for any run), and run folders are written to
 * {@code output.dir}, which on a cluster must be a path every executor and the driver see (NFS, a shared disk);
 * both are made absolute against the driver's working folder first, since an executor runs in its worker's.
 * A shared path rather than model bytes back to the driver: checkpoints land where a retried or rerun task
 * resumes them (Resume.AUTO), every trial stays an ordinary run folder, and the driver carries kilobytes, not
 * every model and checkpoint of the sweep.
 */
public final class SparkEngine implements TrialEngine {
    /** What Spark 3.5 on Java 17 must be let into (its reflection and off-heap memory access); the pom says the same. */
    public static final List<String> JAVA_OPENS = List.of("java.lang", "java.lang.invoke", "java.lang.reflect", "java.io",
                    "java.net", "java.nio", "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch",
                    "sun.nio.cs", "sun.security.action", "sun.util.calendar").stream()
            .map(p -> "--add-opens=java.base/" + p + "=ALL-UNNAMED").toList();
    private static final String LOOPBACK = "127.0.0.1";
    /** Where the user gives the secret every JVM of a cluster (driver, Master, Workers, executors) shares. */
    public static final String SECRET_VARIABLE = "MNIST_FCN_SPARK_SECRET";
    /** 16 characters: e.g. {@code openssl rand -hex 32} gives 64. */
    static final int MIN_SECRET_LENGTH = 16;

    private final String master;
    private JavaSparkContext spark;

    public SparkEngine(String master) {
        // yarn and k8s:// were let through and failed later with a stack trace: this build has neither (a review)
        if (!master.matches("local(\\[([1-9]\\d*|\\*)])?|spark://.+")) {
            throw new UserError("--master has value '" + master + "', which is not accepted. Expected local[N] (an "
                    + "embedded Spark running N tasks at once, N at least 1), local[*], or a standalone cluster such as "
                    + "spark://host:7077 (this build has no YARN or Kubernetes support).");
        }
        this.master = master;
    }

    @Override
    public String describe() {
        return "Spark engine: master " + master + ", each run a Spark task (Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ")";
    }

    @Override
    public void run(List<ExperimentConfig> runs, java.util.function.Consumer<TrialRunner.Done> done) {
        JavaSparkContext sc = context();
        List<JavaFutureAction<List<String>>> pending = new ArrayList<>();
        List<ExperimentConfig> submitted = new ArrayList<>();
        for (ExperimentConfig run : runs) {
            sc.setJobDescription("mnist-fcn sweep run " + run.name());
            try {
                pending.add(sc.parallelize(List.of(ConfigLoader.toYaml(run)), 1).map(SparkEngine::train).collectAsync());
            } catch (RuntimeException e) { // a cluster whose master never answered: Spark stopped, then an NPE
                if (!sc.sc().isStopped()) throw e;
                throw stopped(e);
            }
            submitted.add(run);
        }
        try {
            while (!pending.isEmpty()) {
                boolean any = false;
                for (int i = 0; i < pending.size(); i++) {
                    if (!pending.get(i).isDone()) continue;
                    // Spark stopped cancels every job: the trials did not fail (they were reported failed, and results
                    // written as if the sweep had finished: a review)
                    if (sc.sc().isStopped()) throw stopped(null);
                    done.accept(outcome(submitted.get(i), pending.get(i)));
                    pending.remove(i);
                    submitted.remove(i);
                    i--;
                    any = true;
                }
                if (!any) Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            pending.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw TrialEngine.interrupted("", e);
        }
    }

    /**
     * Why Spark stopped under the sweep: this JVM shutting down (Ctrl+C, SIGTERM run Spark's shutdown hook), or Spark
     * itself giving up, as when no cluster master answers for 60 s.
     */
    private UserError stopped(Exception cause) {
        if (JvmShutdown.begun()) return TrialEngine.interrupted("", cause);
        return new UserError("Spark stopped before the sweep's runs finished" + (runsElsewhere() ? ": no master at "
                + master + " answered, or the cluster ended the application (Spark's error above says which). Check "
                + "that the cluster runs and is reachable from here, and that it was started with the same "
                + SECRET_VARIABLE + "." : " (Spark's error above says why).") + " Rerun the same command to continue "
                + "the sweep.", cause);
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        return m.lines().findFirst().orElse(e.toString());
    }

    /**
     * What a run out of memory is told on Spark, beside the paragraph every engine gives: local[N] runs N trials in one
     * heap, so two that each fit alone failed together; a cluster's executors take their heap from
     * spark.executor.memory, not from -Xmx (a review).
     */
    static final String OUT_OF_MEMORY_ON_SPARK = " On Spark: --master local[N] trains N runs at once in this one heap "
            + "(give it N times a run's, or use local[1]); a cluster's executors take theirs from spark.executor.memory "
            + "(e.g. JAVA_TOOL_OPTIONS=-Dspark.executor.memory=4g).";

    private static TrialRunner.Done outcome(ExperimentConfig run, JavaFutureAction<List<String>> f) {
        try {
            return Json.MAPPER.readValue(f.get().get(0), TrialRunner.Done.class);
        } catch (ExecutionException e) {
            return new TrialRunner.Done(run.name(), TrialRunner.How.FAILED, "its Spark task failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TrialRunner.Done(run.name(), TrialRunner.How.FAILED, "interrupted");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** On an executor: one run, its outcome as one JSON line. A failure is an outcome, not a task to retry. */
    static String train(String yaml) throws IOException {
        TrialRunner.Done done = TrialRunner.inWorker(yaml, OUT_OF_MEMORY_ON_SPARK);
        return Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(done);
    }

    /** An embedded Spark, or a cluster whose master is on this machine's loopback (scripts/spark-standalone.sh). */
    boolean onLoopback() {
        return master.startsWith("local") || master.matches("spark://(127\\.0\\.0\\.1|localhost)(:\\d+)?");
    }

    /** Executors are other JVMs, started in their worker's folder, not in ours. */
    @Override
    public boolean runsElsewhere() {
        return !master.startsWith("local");
    }

    /** The running context, started on first use (package-private for SparkLoopbackTest). */
    synchronized JavaSparkContext context() {
        if (spark != null) return spark;
        // Spark logs through DL4J's slf4j 1.7 into logback: keep its start-up chatter out, leave DL4J's settings alone.
        for (String noisy : List.of("org.apache.spark", "org.sparkproject", "org.apache.hadoop", "io.netty")) {
            if (LoggerFactory.getLogger(noisy) instanceof ch.qos.logback.classic.Logger l) l.setLevel(Level.ERROR);
        }
        SparkConf conf = new SparkConf().setMaster(master).setAppName("mnist-fcn sweep")
                .set("spark.executorEnv.OMP_NUM_THREADS", "1") // one task, one core: as a local worker
                .set("spark.task.cpus", "1");
        if (onLoopback()) {
            // All traffic on loopback: Spark otherwise binds the driver to the machine's network interface when its
            // name resolves to loopback, and its web UI to 0.0.0.0 (unless SPARK_LOCAL_IP says otherwise): no UI.
            conf.set("spark.driver.bindAddress", LOOPBACK).set("spark.driver.host", LOOPBACK).set("spark.ui.enabled", "false");
        }
        security(master, System::getenv).forEach(conf::set);
        if (runsElsewhere()) {
            // Executors need our classes and DL4J's: the same paths on every node (a shared project folder and
            // ~/.m2), rather than shipping a gigabyte of native jars per executor; and the JVM options we run with.
            conf.setIfMissing("spark.executor.extraClassPath", ChildJvm.classpath())
                    .setIfMissing("spark.executor.extraJavaOptions", String.join(" ", JAVA_OPENS)
                            + " --add-modules jdk.incubator.vector -Dorg.bytedeco.javacpp.maxphysicalbytes=0");
        }
        // Spark logs a failed start with its stack trace, then throws: one paragraph instead (a review)
        ch.qos.logback.classic.Logger startLog = LoggerFactory.getLogger("org.apache.spark.SparkContext")
                instanceof ch.qos.logback.classic.Logger l ? l : null;
        if (startLog != null) startLog.setLevel(Level.OFF);
        try {
            spark = new JavaSparkContext(conf);
        } catch (RuntimeException e) {
            throw new UserError("Spark could not start with --master " + master + ": " + firstLine(e)
                    + (firstLine(e).contains("driver-memory") ? " (in mnist-fcn: a larger heap for this JVM, e.g. "
                    + "JAVA_TOOL_OPTIONS=-Xmx1g)." : "."), e);
        } finally {
            if (startLog != null) startLog.setLevel(null); // back to org.apache.spark's ERROR
        }
        return spark;
    }

    /**
     * What a cluster master needs on top of Spark's defaults, which leave it open: without {@code spark.authenticate}
     * anyone who reaches the driver's or the Master's port can run code as this user, and the driver's web UI (with
     * the job's configuration) listens on every interface. So: a shared secret from {@link #SECRET_VARIABLE} (never
     * on a command line; Spark redacts it in its logs), and no driver UI (the cluster's own Master UI remains). An
     * embedded {@code local[N]} Spark has no other JVM to let in: nothing to add (its UI is off, see {@link #context}).
     */
    static Map<String, String> security(String master, Function<String, String> env) {
        if (master.startsWith("local")) return Map.of();
        String secret = env.apply(SECRET_VARIABLE);
        if (secret == null || secret.strip().length() < MIN_SECRET_LENGTH) {
            throw new UserError("--master " + master + " is a cluster, and mnist-fcn runs a cluster only with Spark's "
                    + "authentication on: set the environment variable " + SECRET_VARIABLE + " to a secret of at least "
                    + MIN_SECRET_LENGTH + " characters (e.g. export " + SECRET_VARIABLE + "=$(openssl rand -hex 32)), "
                    + "the same secret the cluster's Master and Workers run with (spark.authenticate=true, "
                    + "spark.authenticate.secret); " + (secret == null ? "it is not set." : "it is "
                    + secret.strip().length() + " characters long."));
        }
        return Map.of("spark.authenticate", "true", "spark.authenticate.secret", secret.strip(),
                "spark.ui.enabled", "false");
    }

    @Override
    public synchronized void close() {
        if (spark != null) spark.close();
        spark = null;
    }
}
