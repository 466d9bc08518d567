package dev.mnistfcn.sweep;

import dev.mnistfcn.Json;

import java.io.BufferedReader;
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
            TrialRunner.Done done = TrialRunner.inWorker(Json.MAPPER.readValue(line, String.class));
            replies.println(REPLY + Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(done));
        }
    }
}
