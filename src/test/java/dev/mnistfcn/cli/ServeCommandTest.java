package dev.mnistfcn.cli;

import dev.mnistfcn.TestData;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.network.NetworkFactory;
import dev.mnistfcn.storage.ModelFiles;
import dev.mnistfcn.storage.NotADigitCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code serve} as a user runs it: a real JVM that relaunches itself, serves, and stops cleanly on SIGTERM. */
@Tag("slow") // a relaunching server JVM (docs/tests.md#test-tiers)
class ServeCommandTest {
    @Test
    void servesUntilSigtermThenStops(@TempDir Path tmp) throws Exception {
        Path zip = tmp.resolve("model.zip"); // untrained: this is about the process, not the answers
        var check = new NotADigitCheck(NotADigitCheck.METHOD, 1, NotADigitCheck.bytes(new float[784]),
                NotADigitCheck.bytes(new float[1]), NotADigitCheck.bytes(new float[2]), NotADigitCheck.bytes(new float[2]),
                0.375, new NotADigitCheck.Calibration(100, 0.02, 50, 0.9, "2026-12-07T07:00:00Z")); // as calibrate leaves it
        ModelFiles.save(NetworkFactory.build(ConfigLoader.load(Path.of("config/two-layer.yaml"),
                Map.of("data.dir", TestData.mnistDir().toString()))), zip, false, null, check);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--model", zip.toString(), "--port", "0");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeAll(List.of("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "MNIST_FCN_NO_RELAUNCH",
                NativeSettings.MARKER)); // so that it relaunches, as from a plain shell
        Process parent = pb.start();
        List<String> printed = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
            URI uri = null;
            for (String line; uri == null && (line = out.readLine()) != null; ) {
                printed.add(line);
                if (line.startsWith("Open http://127.0.0.1:")) uri = URI.create(line.split("\\s+")[1]);
            }
            assertTrue(uri != null, "printed its URL: " + printed);
            assertTrue(printed.stream().anyMatch(l -> l.startsWith("Serving ") && l.endsWith("; not-a-digit check on)")),
                    printed.toString());
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri.resolve("/health"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("{\"status\":\"ok\"}", health.body());

            parent.toHandle().destroy(); // SIGTERM (keeping our end of its output open); passed on to the child
            for (String line; (line = out.readLine()) != null; ) printed.add(line);
            assertTrue(parent.waitFor(30, TimeUnit.SECONDS), "stopped: " + printed);
            assertTrue(printed.contains("Stopped."), "the server closed through its shutdown hook: " + printed);
            int port = uri.getPort();
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void aPortOutOfRangeIsAUserError() {
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"serve", "--port", "70000"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err));
        assertEquals(2, code);
        assertTrue(err.toString().startsWith("error: --port has value '70000', which is not accepted. Expected a whole "
                + "number from 0 to 65,535"), err.toString());
        // As -Dport under mvn exec:java, the message names -Dport (it said --port).
        var fromProperty = new ByteArrayOutputStream();
        System.setProperty("port", "70000");
        try {
            assertEquals(2, Main.run(new String[]{"serve"}, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(fromProperty)));
        } finally {
            System.clearProperty("port");
        }
        assertTrue(fromProperty.toString().startsWith("error: -Dport has value '70000', which is not accepted."),
                fromProperty.toString());
    }

    @Test
    void allowHostIsRepeatable() {
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"serve", "--allow-host", "digits.lan", "--allow-host", "pi.local", "--port",
                "70000"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(2, code, "parsed, then refused for the port only");
        assertTrue(err.toString().startsWith("error: --port has value '70000', which is not accepted. Expected a whole "
                + "number from 0 to 65,535"), err.toString());
    }
}
