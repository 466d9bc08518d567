package dev.mnistfcn;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a model came from, in the spirit of Tribuo's {@code ModelProvenance}: the data it was trained on, the
 * resolved config and its hash, the engine, the software and machine, the seed, how many epochs, and when. One
 * record, made by the training job ({@code job/TrainingPlan}) and written into the model zip ({@code mnist-fcn.json})
 * and {@code metrics.json}; {@code inspect}, {@code GET /api/model} and the reports show it from there, so they
 * cannot disagree. Files written before it existed are read into one too ({@link #recorded}), holding what they
 * recorded; what they did not is null, "not recorded".
 *
 * @param run          the run's name
 * @param trainedAt    when the model was saved (ISO-8601, UTC)
 * @param epochs       epochs trained into this model (with early stopping, the kept epoch)
 * @param seed         the config's {@code seed}
 * @param engine       the engine that trained it: {@code dl4j} or {@code fused}
 * @param data         the data it was trained, validated and tested on
 * @param configSha256 SHA-256 of {@code config} in UTF-8: what {@code sha256sum config.resolved.yaml} prints
 * @param config       the resolved config (after overrides) as YAML, the text of {@code config.resolved.yaml}
 * @param mnistFcn     mnist-fcn's version
 * @param versions     libraries and runtime, as {@link Versions#all} (also metrics.json's {@code versions})
 * @param cpu          the CPU's model name ({@link Versions#cpu})
 */
public record ModelProvenance(String run, String trainedAt, int epochs, Long seed, String engine, Data data,
                              String configSha256, String config, String mnistFcn, Map<String, String> versions,
                              String cpu) {
    /**
     * @param dataset    {@code mnist} or {@code fashion-mnist} (null in zips written before it was recorded: MNIST)
     * @param files      each IDX file's SHA-256 (of its unzipped bytes), checked against the genuine file's before
     *                   it was read, train images first
     * @param train      images trained on
     * @param validation images validated on after each epoch
     * @param test       images tested on
     */
    public record Data(String dataset, Map<String, String> files, Integer train, Integer validation, Integer test) {
        public Data {
            files = files == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(files));
        }
    }

    public ModelProvenance {
        versions = versions == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(versions));
    }

    /** A new run's provenance, before its first epoch: the software and machine are this process's. */
    public static ModelProvenance of(String run, String configYaml, long seed, String engine, Data data) {
        return new ModelProvenance(run, null, 0, seed, engine, data, sha256(configYaml), configYaml, Versions.mnistFcn(),
                Versions.all(), Versions.cpu());
    }

    /** What a file written before this record existed says: the fields it did not record are null. */
    public static ModelProvenance recorded(String run, String configYaml, Long seed, String engine, Data data,
                                           int epochs, String trainedAt, Map<String, String> versions) {
        return new ModelProvenance(run, trainedAt, epochs, seed, engine, data,
                configYaml == null ? null : sha256(configYaml), configYaml, null, versions, null);
    }

    /** This provenance for the network after {@code epochs} epochs, saved at {@code when}. */
    public ModelProvenance at(int epochs, Instant when) {
        return new ModelProvenance(run, when.toString(), epochs, seed, engine, data, configSha256, config, mnistFcn,
                versions, cpu);
    }

    /** The dataset recorded, or null if none was (zips written before it was: MNIST). */
    public String dataset() {
        return data == null ? null : data.dataset();
    }

    /** The record for people: what {@code inspect} prints and the reports show, one fact per line. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "run: %s, %d epoch%s, seed %s, engine %s, saved %s", known(run), epochs,
                epochs == 1 ? "" : "s", known(seed), known(engine), known(trainedAt)));
        if (data == null) {
            lines.add("data: " + NOT_RECORDED);
        } else {
            String dataset = data.dataset() == null ? "mnist (not recorded; MNIST before it was)" : data.dataset();
            lines.add(data.train() == null && data.validation() == null && data.test() == null
                    ? "data: " + dataset + ", split sizes " + NOT_RECORDED
                    : String.format(Locale.ROOT, "data: %s, %s training / %s validation / %s test images", dataset,
                    count(data.train()), count(data.validation()), count(data.test())));
            if (data.files() == null || data.files().isEmpty()) lines.add("  file checksums: " + NOT_RECORDED);
            else data.files().forEach((file, sha) -> lines.add("  " + file + " sha256 " + sha));
        }
        lines.add("config: sha256 " + known(configSha256) + " (config.resolved.yaml)");
        StringBuilder software = new StringBuilder("software: mnist-fcn " + known(mnistFcn));
        if (versions != null) versions.forEach((k, v) -> software.append(", ").append(k).append(' ').append(v));
        lines.add(software.toString());
        lines.add("cpu: " + known(cpu));
        return lines;
    }

    /** SHA-256 of {@code text} in UTF-8, as hex. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    private static final String NOT_RECORDED = "not recorded";

    private static String known(Object value) {
        return value == null ? NOT_RECORDED : value.toString();
    }

    private static String count(Integer n) {
        return n == null ? "?" : String.format(Locale.ROOT, "%,d", n);
    }
}
