package dev.mnistfcn.sweep;

import dev.mnistfcn.UserError;
import dev.mnistfcn.Json;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A local worker process: reads runs (a resolved config as one JSON string per line) on stdin, trains each with
 * {@link TrialRunner}, and answers each with one line {@value #REPLY}{@code {run, how, error}} on stdout. Other
 * lines on stdout (library logging) are not replies. Ends at the end of stdin, or when its parent is gone.
 */
public final class TrialWorker {
    static final String REPLY = "@@sweep-done ";

    private TrialWorker() {
    }

    public static void main(String[] args) throws Exception {
        ChildJvm.exitWithParent();
        PrintStream replies = System.out; // println is one synchronized write: a reply is never split by a log line
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isBlank()) continue;
            String yaml = Json.MAPPER.readValue(line, String.class);
            // The run's console output stays here: a failed run sends its tail with the error.
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            TrialRunner.Done done;
            String name = "?";
            try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
                ExperimentConfig config = ConfigLoader.parse(yaml, "a sweep run's config");
                name = config.name();
                done = TrialRunner.run(config, out);
            } catch (RuntimeException | Error e) {
                String text = log.toString(StandardCharsets.UTF_8);
                String why = e instanceof UserError ? e.getMessage() : e.toString(); // a user's mistake: its words only
                done = new TrialRunner.Done(name, TrialRunner.How.FAILED, why + (text.isEmpty() ? ""
                        : " | last output: " + text.substring(Math.max(0, text.length() - 600)).replace('\n', ' ')));
            }
            replies.println(REPLY + Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(done));
            // A run's arrays (MNIST, the network, its updater) live off the heap and are freed only once the collector
            // finds their Java handles unreachable. The worker's small heap never filled, so none was freed: a long
            // sweep's workers grew 30-55 MB a run, to 8 GB each (a review). A full collection between runs frees them.
            System.gc();
        }
    }
}
