package dev.mnistfcn.cli;

import dev.mnistfcn.UserError;
import dev.mnistfcn.predict.DigitClassifier;
import dev.mnistfcn.predict.ModelInfo;
import dev.mnistfcn.serve.DigitServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a model over HTTP until Ctrl-C: the draw-a-digit page at /, POST /api/predict (a picture, "
                + "or JSON {\"pixels\": [784 numbers in 0..1]}), GET /api/model, GET /health. See docs/serve.md.",
                "Also: mvn -q exec:java -Dserve=true [-Dmodel=ZIP] [-Dport=8080]."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, paramLabel = "ZIP", description = "Model zip (default: -Dmodel, else "
            + "models/two-layer/model.zip).")
    Path model = CommandDefaults.modelFromProperty();

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (default: -Dhost, else "
            + "127.0.0.1: this machine only; 0.0.0.0 for every network).")
    String host = System.getProperty("host", "127.0.0.1");

    @Option(names = "--port", paramLabel = "N", description = "TCP port (default: -Dport, else 8080; 0: any free port).")
    Integer port;

    @Option(names = "--engine", paramLabel = "ENGINE", description = "auto (default), dl4j or fused; also "
            + "-Dtraining.engine=...")
    String engine = System.getProperty("training.engine", "auto");

    @Override
    public Integer call() throws InterruptedException {
        int p = CliProperties.wholeNumber("port", port, 0, 8080, "the TCP port; 0 picks a free one");
        if (p > 65_535) throw new UserError("--port " + p + " is not a TCP port. Expected 0 to 65535 (0: any free port).");
        Path zip = model != null ? model : DigitClassifier.DEFAULT_MODEL;
        if (model == null && !Files.exists(zip)) {
            throw new UserError("No model at " + zip + ": train it first with `mvn -q compile exec:java "
                    + "-Dconfig=two-layer.yaml` (about a minute), or pass --model path/to/model.zip.");
        }
        DigitClassifier classifier = DigitClassifier.load(zip, engine);
        DigitServer server = DigitServer.start(classifier, host, p);
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C and SIGTERM run the hooks: requests in flight are answered before the JVM exits.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            System.out.println("Stopped.");
            stopped.countDown();
        }, "mnist-fcn-serve-stop"));
        ModelInfo info = classifier.info();
        System.out.printf("Serving %s (%s, %,d parameters, engine %s)%n", info.file(), info.architecture(),
                info.parameters(), info.engine());
        System.out.println("Open " + server.uri() + "  (API: POST " + server.uri().resolve("/api/predict")
                + "; Ctrl-C stops)");
        stopped.await();
        return 0;
    }
}
