package dev.mnistfcn.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real ONNX Runtime, TensorFlow and PyTorch, from the venv that .ci/run makes from the machine image's wheels
 * ({@code python3 -m venv target/py && target/py/bin/pip install onnx onnxruntime onnxscript tensorflow-cpu==2.21.0
 * torch==2.13.0+cpu}), driven through scripts/interop_check.py.
 */
final class PythonRuntimes {
    static final Path PYTHON = Path.of("target/py/bin/python");
    static final Path SCRIPT = Path.of("scripts/interop_check.py");

    private PythonRuntimes() {
    }

    static boolean present() {
        return Files.isExecutable(PYTHON);
    }

    /** Skipped only where the venv is absent locally: CI makes it (.ci/run), so there its absence fails. */
    static boolean presentOrCi() {
        return present() || "true".equals(System.getenv("CI"));
    }

    static void require() {
        if (!present()) {
            fail("CI=true but the interop tests find no " + PYTHON + ": .ci/run makes it with `python3 -m venv target/py "
                    + "&& target/py/bin/pip install onnx onnxruntime onnxscript tensorflow-cpu==2.21.0 torch==2.13.0+cpu`");
        }
    }

    /** Runs scripts/interop_check.py with {@code args}; its last line of output, as JSON. */
    static JsonNode run(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString()));
        command.addAll(List.of(args));
        Path out = workDir.resolve("python-out.txt");
        Path err = workDir.resolve("python-err.txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean finished = p.waitFor(15, TimeUnit.MINUTES);
        if (!finished) p.destroyForcibly();
        String stderr = Files.readString(err);
        assertTrue(finished && p.exitValue() == 0, String.join(" ", command) + " failed:\n"
                + stderr.substring(Math.max(0, stderr.length() - 4000)));
        List<String> lines = Files.readAllLines(out);
        return Json.MAPPER.readTree(lines.get(lines.size() - 1));
    }
}
