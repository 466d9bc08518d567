package dev.mnistfcn.cli;

import dev.mnistfcn.Folders;
import dev.mnistfcn.config.OutputSpec;
import dev.mnistfcn.predict.DigitClassifier;
import dev.mnistfcn.predict.ModelInfo;
import dev.mnistfcn.serve.DigitServer;
import dev.mnistfcn.serve.ServerLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a model over HTTP until Ctrl-C: the draw-a-digit page at /, POST /api/predict (a picture, "
                + "or JSON {\"pixels\": [784 numbers in 0..1]}), GET /api/model, GET /health; the runs under the output folder, live, at /runs. See docs/serve.md and docs/live.md.",
                "Also: mvn -q exec:java -Dserve=true [-Dmodel=ZIP] [-Dport=8080]."})
public final class ServeCommand implements Callable<Integer> {
    @Mixin
    ClassifierOptions model = new ClassifierOptions();

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (default: -Dhost, else "
            + "127.0.0.1: this machine only; 0.0.0.0 for every network).")
    String host = System.getProperty("host", "127.0.0.1");

    @Option(names = "--port", paramLabel = "N", description = "TCP port (default: -Dport, else 8080; 0: any free port).")
    Integer port;

    @Option(names = "--allow-host", paramLabel = "NAME", description = "A name the Host header may carry besides "
            + "localhost and IP addresses, e.g. this machine's name on the network (repeatable). Other names are "
            + "refused with 403, so that a web page cannot reach the server through DNS rebinding.")
    List<String> allowedHosts = new ArrayList<>();

    @Option(names = "--runs", paramLabel = "DIR", description = "Output folder whose runs /runs shows, live while they "
            + "train (default: -Druns, else " + OutputSpec.DEFAULT_DIR + "). Read-only.")
    Path runs; // null: -Druns, read in call() (CompareCommand's --out says why)

    @Override
    public Integer call() throws InterruptedException {
        int p = CliProperties.wholeNumber("port", port, 0, 65_535, 8080, "the TCP port; 0 picks a free one");
        Path runs = this.runs != null ? this.runs : Path.of(CliProperties.path("runs", OutputSpec.DEFAULT_DIR));
        Folders.refuseNonFolder(runs, "--runs", "the output folder whose runs /runs shows (default: " // it served an empty page
                + OutputSpec.DEFAULT_DIR + "; a folder not made yet shows none until a run trains)");
        DigitClassifier classifier = model.load();
        DigitServer server = DigitServer.start(classifier, host, p,
                ServerLimits.DEFAULTS.withAllowedHosts(Set.copyOf(allowedHosts)), runs);
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C and SIGTERM run the hooks: requests in flight are answered before the JVM exits.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            System.out.println("Stopped.");
            stopped.countDown();
        }, "mnist-fcn-serve-stop"));
        ModelInfo info = classifier.info();
        System.out.printf(Locale.ROOT, "Serving %s (%s, %,d parameters, engine %s%s)%n", info.file(), info.architecture(),
                info.parameters(), info.engine(), info.notADigit() ? "; not-a-digit check on" : "");
        System.out.println("Open " + server.uri() + "  (API: POST " + server.uri().resolve("/api/predict")
                + "; Ctrl-C stops)");
        System.out.println("Runs in " + runs + ", live: " + server.uri().resolve("/runs"));
        stopped.await();
        return 0;
    }
}
