package dev.mnistfcn.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.data.Dataset;
import dev.mnistfcn.Json;
import dev.mnistfcn.TestData;
import dev.mnistfcn.cli.Main;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.report.RunMetrics;
import dev.mnistfcn.storage.ModelFiles;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fashion-two-layer.yaml through the whole pipeline, on a 3,000-image subset of real Fashion-MNIST. */
@Tag("slow") // a training run on Fashion-MNIST (docs/tests.md#test-tiers)
class FashionTrainingTest {

    @Test
    void trainsOnFashionMnistReportsClassNamesAndEvaluateUsesFashionsTestSet(@TempDir Path out) throws Exception {
        TestData.fashionDir();
        ExperimentConfig cfg = ConfigLoader.load(Path.of("config/fashion-two-layer.yaml"), Map.of(
                "training.epochs", "2", "data.train_limit", "3000", "output.dir", out.toString()));
        var console = new ByteArrayOutputStream();
        RunMetrics m = new TrainingJob(cfg, new PrintStream(console), false).run();
        assertTrue(console.toString().contains("parameters; Fashion-MNIST from /usr/share/datasets/fashion-mnist; "
                + "3,000 training / 5,000 validation / 10,000 test images"), console.toString());
        // Far above chance (10%), and far below what the same net reaches on MNIST: these are clothes, not digits.
        assertTrue(m.test().accuracy() > 0.70 && m.test().accuracy() < 0.90, "test accuracy " + m.test().accuracy());

        Path run = out.resolve("fashion-two-layer");
        JsonNode metrics = Json.MAPPER.readTree(run.resolve("metrics.json").toFile());
        assertEquals("fashion-mnist", metrics.get("config").get("data").get("dataset").asText());
        assertEquals("fashion-mnist", ModelFiles.load(run.resolve("model.zip"), false).metadata().orElseThrow().dataset());

        String md = Files.readString(run.resolve("report.md"));
        assertTrue(md.contains("on Fashion-MNIST"), md);
        assertTrue(md.contains("| class | precision | recall | F1 | count |"), md);
        for (String name : Dataset.FASHION_MNIST.classes()) {
            assertTrue(md.contains("\n| " + name + " | "), "per-class row of " + name + ": " + md);
            assertTrue(md.contains("| **" + name + "** |"), "confusion row of " + name + ": " + md);
        }
        assertFalse(md.contains("| digit |"), md);

        Document html = Jsoup.parse(Files.readString(run.resolve("report.html")));
        String heatmapRows = html.select("svg.heatmap text.tick").eachText().toString();
        assertTrue(heatmapRows.contains("0 T-shirt/top") && heatmapRows.contains("9 Ankle boot"), heatmapRows);
        var captions = html.select("figure.mistake figcaption");
        assertFalse(captions.isEmpty(), "a gallery of mistakes");
        for (var c : captions) {
            String text = c.text();
            var names = Dataset.FASHION_MNIST.classes();
            assertTrue(names.stream().anyMatch(t -> names.stream().anyMatch(p -> !p.equals(t)
                    && text.startsWith("true " + t + " → " + p + " "))), "caption names both classes: " + text);
        }
        assertTrue(html.select("p.summary").text().contains("on Fashion-MNIST"), html.select("p.summary").text());

        // evaluate reads the dataset from the zip's metadata: Fashion's test set, and the recorded accuracy again.
        var stdout = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"evaluate", "--model", run.resolve("model.zip").toString()},
                new PrintStream(stdout, true), new PrintStream(new ByteArrayOutputStream()));
        String evaluated = stdout.toString();
        assertEquals(0, code, evaluated);
        assertTrue(evaluated.contains("Test set: Fashion-MNIST, /usr/share/datasets/fashion-mnist (the dataset its "
                + "metadata records)."), evaluated);
        assertTrue(evaluated.contains(String.format(Locale.ROOT, "Test accuracy %.2f%% on 10,000 images",
                100 * m.test().accuracy())), evaluated);
        assertTrue(evaluated.contains("— identical."), evaluated);
        assertTrue(evaluated.contains("| Ankle boot | "), evaluated);

        // Its .onnx export records the dataset too: evaluate tested it on MNIST (10%) before.
        String accuracy = String.format(Locale.ROOT, "Test accuracy %.2f%% on 10,000 images", 100 * m.test().accuracy());
        assertEquals(0, Main.run(new String[]{"export", run.resolve("model.zip").toString(), "--format", "onnx"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
        String exported = evaluate(run.resolve("model.onnx").toString());
        assertTrue(exported.contains("Test set: Fashion-MNIST, /usr/share/datasets/fashion-mnist (the dataset its metadata "
                + "records)."), exported);
        assertTrue(exported.contains(accuracy), exported);
        assertTrue(evaluate(run.resolve("model.onnx").toString(), "--dataset", "mnist").startsWith("error: --dataset "
                + "mnist contradicts model"), "a --dataset the file contradicts is refused");
        // A file that records no dataset (an .onnx from elsewhere) is MNIST's unless --dataset names another.
        byte[] bytes = Files.readAllBytes(run.resolve("model.onnx"));
        var bare = onnx.OnnxMl.ModelProto.parseFrom(bytes).toBuilder().clearMetadataProps().build();
        Path foreign = Files.write(out.resolve("foreign.onnx"), bare.toByteArray());
        assertTrue(evaluate(foreign.toString()).contains("Test set: MNIST"), "no dataset recorded: MNIST");
        String named = evaluate(foreign.toString(), "--dataset", "fashion-mnist");
        assertTrue(named.contains("Test set: Fashion-MNIST, /usr/share/datasets/fashion-mnist (--dataset)."), named);
        assertTrue(named.contains(accuracy), named);
    }

    /** evaluate's output (stdout, else the error). */
    private static String evaluate(String... args) {
        var stdout = new ByteArrayOutputStream();
        var stderr = new ByteArrayOutputStream();
        String[] command = new String[args.length + 1];
        command[0] = "evaluate";
        System.arraycopy(args, 0, command, 1, args.length);
        int code = Main.run(command, new PrintStream(stdout, true), new PrintStream(stderr, true));
        return code == 0 ? stdout.toString() : stderr.toString();
    }
}
