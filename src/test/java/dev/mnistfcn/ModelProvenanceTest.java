package dev.mnistfcn;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelProvenanceTest {
    static final String YAML = "name: p\nseed: 7\n";
    static final ModelProvenance FRESH = ModelProvenance.of("p", YAML, 7, "fused", new ModelProvenance.Data("mnist",
            Map.of("train-images-idx3-ubyte", "ab"), 55_000, 5_000, 10_000));

    @Test
    void writtenAsJsonWithTheseKeysAndReadBackEqual() throws Exception {
        ModelProvenance p = FRESH.at(3, Instant.parse("2026-12-05T12:00:00Z"));
        String json = Json.MAPPER.writeValueAsString(p);
        JsonNode tree = Json.MAPPER.readTree(json);
        List<String> keys = new ArrayList<>();
        tree.fieldNames().forEachRemaining(keys::add);
        // The record's components, nothing else (dataset() and lines() are not properties).
        assertEquals(List.of("run", "trained_at", "epochs", "seed", "engine", "data", "config_sha256", "config",
                "mnist_fcn", "versions", "cpu"), keys);
        assertEquals("2026-12-05T12:00:00Z", tree.get("trained_at").asText());
        assertEquals(3, tree.get("epochs").asInt());
        assertEquals(p, Json.MAPPER.readValue(json, ModelProvenance.class));
    }

    @Test
    void theConfigHashIsSha256OfItsUtf8Text() {
        // sha256sum of a file holding "name: p\nseed: 7\n"
        assertEquals(ModelProvenance.sha256(YAML), FRESH.configSha256());
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ModelProvenance.sha256(""));
    }

    @Test
    void theSoftwareAndMachineAreThisProcesss() {
        assertEquals(Versions.all(), FRESH.versions());
        assertEquals(System.getProperty("java.version"), FRESH.versions().get("java"));
        assertEquals("0.1.0-SNAPSHOT", FRESH.mnistFcn());
        assertTrue(!FRESH.cpu().isBlank(), FRESH.cpu());
    }

    @Test
    void isImmutable() {
        assertThrows(UnsupportedOperationException.class, () -> FRESH.versions().put("x", "y"));
        assertThrows(UnsupportedOperationException.class, () -> FRESH.data().files().clear());
        ModelProvenance later = FRESH.at(2, Instant.EPOCH);
        assertEquals(0, FRESH.epochs());
        assertEquals(2, later.epochs());
        assertEquals(FRESH.configSha256(), later.configSha256());
    }

    @Test
    void linesSayWhatWasNotRecorded() {
        ModelProvenance old = ModelProvenance.recorded("old", null, null, null, null, 4, null, null);
        assertEquals(List.of("run: old, 4 epochs, seed not recorded, engine not recorded, saved not recorded",
                "data: not recorded", "config: sha256 not recorded (config.resolved.yaml)", "software: mnist-fcn not recorded",
                "cpu: not recorded"), old.lines());
        assertEquals("run: not recorded, 0 epochs, seed not recorded, engine not recorded, saved not recorded",
                ModelProvenance.recorded(null, null, null, null, null, 0, null, null).lines().get(0)); // was "run: null"
        List<String> lines = FRESH.at(1, Instant.parse("2026-12-05T12:00:00Z")).lines();
        assertEquals("run: p, 1 epoch, seed 7, engine fused, saved 2026-12-05T12:00:00Z", lines.get(0));
        assertEquals("data: mnist, 55,000 training / 5,000 validation / 10,000 test images", lines.get(1));
        assertEquals("  train-images-idx3-ubyte sha256 ab", lines.get(2));
    }
}
