package dev.mnistfcn.sweep;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mnistfcn.Json;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.ConfigException;
import dev.mnistfcn.config.ConfigFiles;
import dev.mnistfcn.config.ConfigLoader;
import dev.mnistfcn.config.RunName;
import dev.mnistfcn.config.Spelling;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.config.YamlLines;
import dev.mnistfcn.engine.Engine;
import dev.mnistfcn.network.NetworkFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sweep file, read and checked: which base config, what to vary, how to search, how many seeds, what to choose
 * by. Every trial's resolved config is checked with the config loader before anything trains, so a bad key or
 * value is one paragraph up front, never a failed worker an hour in.
 *
 * <pre>
 * name: mnist-small                # the folder under the base config's output.dir (default: this file's name)
 * base: two-layer.yaml             # as for --config: a path, or a name in config/
 * set: {training.epochs: 4}        # fixed overrides for every trial
 * parameters:
 *   model.hidden.0.units: [64, 128, 256]                         # values to try
 *   training.updater.learning_rate: {log_uniform: [1e-4, 1e-2]}  # or a range: uniform, log_uniform, int
 * strategy: random                 # grid (default: every combination of the lists) or random
 * trials: 12                       # random only
 * seed: 7                          # random only: the same seed draws the same trials
 * seeds: 2                         # runs per trial: the config's seed, +1, …
 * metric: val_accuracy             # or val_loss; both of the epoch model.zip holds (early stopping: the kept one)
 * halving: {min_epochs: 1, keep_fraction: 0.5}
 * </pre>
 */
public record SweepFile(Path file, String name, Path base, Map<String, String> set, List<Parameter> parameters,
                        String strategy, int randomTrials, long seed, int seeds, Metric metric, Halving halving) {
    /** Added to the sweep's name for its best trial's config (best.yaml), which must still be a run name. */
    public static final String BEST_SUFFIX = "-best";
    /**
     * Beyond this a grid is almost surely a mistake (a range of ints, a forgotten key): say so before planning. (At
     * 100,000 a grid of 99,000 planned for minutes without a word; on two cores 10,000 trials are weeks of training.)
     */
    static final int MAX_TRIALS = 10_000;
    private static final String FORMAT = "Each parameter is a dotted config key with a list of values "
            + "(model.hidden.0.units: [64, 128]) or one range ({uniform: [0.0001, 0.01]}, {log_uniform: [...]}, "
            + "{int: [16, 256]})";

    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** The file as written; ranges and values stay trees until checked. */
    record Written(String name, String base, Map<String, JsonNode> set, Map<String, JsonNode> parameters,
                   String strategy, Integer trials, Long seed, Integer seeds, String metric, WrittenHalving halving) {
    }

    record WrittenHalving(Integer minEpochs, Double keepFraction) {
    }

    public static SweepFile load(Path file) {
        String text = ConfigFiles.readText(file, "Sweep",
                () -> "Give the path to a sweep YAML file, e.g. config/sweeps/mnist-small.yaml.");
        Written w = bind(file, text);
        String where = "Sweep file " + file;
        if (w.base() == null) throw bad(where, "base", null, "the base config the trials start from, e.g. base: two-layer.yaml (required)");
        Path base;
        try {
            base = ConfigLoader.locate(w.base());
        } catch (ConfigException e) {
            throw new UserError(where + ": key 'base': " + e.getMessage(), e);
        }
        String name = w.name() != null ? w.name() : ConfigFiles.baseName(file);
        if (!RunName.isValid(name) || !RunName.isValid(name + BEST_SUFFIX)) {
            bad(where, "name", name, "a name made of " + RunName.RULE + ", less " + BEST_SUFFIX.length() + " (it names "
                    + "the sweep's folder, and NAME" + BEST_SUFFIX + " its best trial's config)");
        }
        Map<String, String> set = new LinkedHashMap<>();
        if (w.set() != null) {
            w.set().forEach((k, v) -> set.put(k, overrideText(where, "set." + k, v, true))); // sections too, as --set
        }
        if (w.parameters() == null || w.parameters().isEmpty()) {
            throw bad(where, "parameters", null, "at least one parameter to vary. " + FORMAT);
        }
        List<Parameter> parameters = new ArrayList<>();
        w.parameters().forEach((k, v) -> parameters.add(parameter(where, k, v)));
        String strategy = w.strategy() == null ? "grid" : w.strategy();
        if (!List.of("grid", "random").contains(strategy)) {
            throw bad(where, "strategy", strategy, "grid (every combination of the listed values) or random (trials draws)");
        }
        if (strategy.equals("grid")) {
            for (Parameter p : parameters) {
                if (p.range() != null) {
                    throw new UserError(where + ": parameter '" + p.key() + "' is a range (" + p.range().kind() + "), which "
                            + "a grid cannot enumerate. List its values instead, or use strategy: random with trials: N.");
                }
            }
            if (w.trials() != null || w.seed() != null) {
                throw new UserError(where + ": 'trials' and 'seed' are for strategy: random; a grid tries every "
                        + "combination. Remove them, or set strategy: random.");
            }
        } else if (w.trials() == null || w.trials() < 1 || w.trials() > MAX_TRIALS) {
            throw bad(where, "trials", w.trials(), String.format(java.util.Locale.ROOT, "the number of random trials, 1 to "
                    + "%,d (required for strategy: random)", MAX_TRIALS));
        }
        int seeds = w.seeds() == null ? 1 : w.seeds();
        if (seeds < 1 || seeds > 100) bad(where, "seeds", seeds, "the runs per trial, 1 to 100 (seed, seed+1, …)");
        Metric metric = metric(where, w.metric());
        Halving halving = null;
        if (w.halving() != null) {
            WrittenHalving h = w.halving();
            if (h.minEpochs() == null || h.minEpochs() < 1) bad(where, "halving.min_epochs", h.minEpochs(), "the epochs every trial trains before the first cut, ≥ 1");
            if (h.keepFraction() == null || !(h.keepFraction() > 0 && h.keepFraction() < 1)) {
                bad(where, "halving.keep_fraction", h.keepFraction(), "the fraction of trials kept at each cut, between 0 and 1, e.g. 0.5");
            }
            halving = new Halving(h.minEpochs(), h.keepFraction());
        }
        SweepFile sweep = new SweepFile(file, name, base, set, parameters, strategy,
                w.trials() == null ? 0 : w.trials(), w.seed() == null ? 1 : w.seed(), seeds, metric, halving);
        if (strategy.equals("grid") && sweep.gridSize() > MAX_TRIALS) {
            throw new UserError(String.format(java.util.Locale.ROOT, "%s: the grid has more than %,d combinations "
                    + "(the product of its parameters' value counts). Use fewer values, or strategy: random with a trial "
                    + "count.", where, MAX_TRIALS));
        }
        return sweep;
    }

    /** The same sweep under another name, so in another folder (e.g. the same file timed with 1 and 2 workers). */
    public SweepFile withName(String newName) {
        if (!RunName.isValid(newName) || !RunName.isValid(newName + BEST_SUFFIX)) {
            throw new UserError("--name has value '" + newName + "', which is not accepted. Expected a name made of "
                    + RunName.RULE + ", less " + BEST_SUFFIX.length() + " (it names the sweep's folder, and NAME"
                    + BEST_SUFFIX + " its best trial's config).");
        }
        return new SweepFile(file, newName, base, set, parameters, strategy, randomTrials, seed, seeds, metric, halving);
    }

    /**
     * The same sweep with the command's {@code -D} config keys ({@code -Dtraining.epochs=1}) after its {@code set:},
     * as train and compare apply them (they were ignored unsaid). One naming a swept parameter is refused: every
     * trial's own value would override it, unsaid again.
     */
    public SweepFile withOverrides(Map<String, String> overrides) {
        if (overrides.isEmpty()) return this;
        Map<String, String> all = new LinkedHashMap<>(set);
        for (var e : overrides.entrySet()) {
            String k = e.getKey();
            for (Parameter p : parameters) {
                if (p.key().equals(k) || p.key().startsWith(k + ".") || k.startsWith(p.key() + ".")) {
                    throw new UserError("-D" + k + " sets a key that sweep file " + file + " varies (parameter '" + p.key()
                            + "'): each trial's own value would replace it. Leave -D" + k + " out, or change the "
                            + "parameter's values in the sweep file.");
                }
            }
            all.remove(k); // a -D wins over set:, so it comes after it
            all.put(k, e.getValue());
        }
        try {
            ConfigLoader.load(base, all);
        } catch (ConfigException e) {
            throw new UserError("The -D config keys " + overrides + " with sweep file " + file + ": " + e.getMessage(), e);
        }
        return new SweepFile(file, name, base, all, parameters, strategy, randomTrials, seed, seeds, metric, halving);
    }

    /**
     * The same sweep with {@code data.dir} and {@code output.dir} as absolute paths of this JVM's working folder:
     * for runs that train in JVMs started elsewhere (a Spark executor runs in its worker's own folder), where
     * {@code data/mnist} would mean another place. Set here, so that the driver and every run see the same config.
     */
    public SweepFile withAbsoluteFolders() {
        ExperimentConfig c = ConfigLoader.load(base, set);
        Map<String, String> absolute = new LinkedHashMap<>(set);
        absolute.put("data.dir", Path.of(c.data().dir()).toAbsolutePath().normalize().toString());
        absolute.put("output.dir", Path.of(c.output().dir()).toAbsolutePath().normalize().toString());
        return new SweepFile(file, name, base, absolute, parameters, strategy, randomTrials, seed, seeds, metric, halving);
    }

    /** Every trial of this sweep, in order: the grid's combinations, or the seeded random draws. */
    public List<Trial> trials() {
        return strategy.equals("grid") ? Expansion.grid(parameters) : Expansion.random(parameters, randomTrials, seed);
    }

    /** The grid's combinations, at most {@code MAX_TRIALS + 1} (the product of 7 lists of 2,000 wrapped to -2,000). */
    long gridSize() {
        long n = 1;
        for (Parameter p : parameters) n = Math.min(MAX_TRIALS + 1L, n * p.values().size());
        return n;
    }

    /**
     * Run {@code seedIndex} of {@code trial}: the base config with {@code set}, the trial's values, its own seed
     * (the config's seed + seedIndex) and name ({@code t01-seed12345}), under {@code <output.dir>/<sweep name>/}.
     */
    public ExperimentConfig config(Trial trial, int seedIndex) {
        return config(trial, seedIndex, Map.of());
    }

    /** As above, with {@code extra} overrides last (a halving round's {@code training.epochs}). */
    public ExperimentConfig config(Trial trial, int seedIndex, Map<String, String> extra) {
        Map<String, String> overrides = new LinkedHashMap<>(set);
        overrides.putAll(trial.values());
        overrides.putAll(extra);
        ExperimentConfig c;
        try {
            c = ConfigLoader.load(base, overrides);
        } catch (ConfigException e) {
            throw new UserError("Sweep file " + file + ", trial " + trial.name() + " (" + trial.describe() + "): "
                    + e.getMessage(), e);
        }
        if (c.seed() > Long.MAX_VALUE - seedIndex) { // seed + 1 wrapped to the most negative seed, unsaid
            throw new UserError("Sweep file " + file + ": the seed " + c.seed() + " and seeds: " + seeds + " (seed, seed + 1, "
                    + "…) would pass the largest seed, " + Long.MAX_VALUE + ". Give a smaller seed (set: {seed: …}) or "
                    + "fewer seeds.");
        }
        long s = c.seed() + seedIndex;
        return ConfigLoader.load(base, withRun(overrides, c, trial.name() + "-seed" + s, s));
    }

    private Map<String, String> withRun(Map<String, String> overrides, ExperimentConfig c, String runName, long s) {
        Map<String, String> all = new LinkedHashMap<>(overrides);
        all.put("output.dir", folder(c).toString());
        all.put("name", runName);
        all.put("seed", Long.toString(s));
        return all;
    }

    /** Where the sweep's runs and results go: {@code <output.dir>/<name>}. */
    public Path folder() {
        return folder(ConfigLoader.load(base, set));
    }

    private Path folder(ExperimentConfig c) {
        return Path.of(c.output().dir()).resolve(name);
    }

    /** Checks every run's config (and the halving against the epochs); throws the first problem. */
    public List<Trial> checkedTrials() {
        List<Trial> trials = trials();
        for (Trial t : trials) {
            ExperimentConfig c = config(t, 0);
            config(t, seeds - 1); // its last seed's run, whose seed may pass the largest
            // An engine that cannot train a trial's network failed that trial only after the ones before had trained.
            Engine.forTraining(c, NetworkFactory.configuration(c), "Sweep file " + file + ", trial " + t.name());
            if (halving != null) {
                if (halving.minEpochs() >= c.training().epochs()) {
                    throw new UserError("Sweep file " + file + ": halving.min_epochs is " + halving.minEpochs() + " but trial "
                            + t.name() + " trains only " + c.training().epochs() + " epoch(s) (training.epochs): nothing "
                            + "to cut. Use a min_epochs below training.epochs, or raise it with set: {training.epochs: N}.");
                }
                if (c.checkpoint().every() == 0) {
                    throw new UserError("Sweep file " + file + ": halving resumes the kept trials from their checkpoints, "
                            + "but trial " + t.name() + " has checkpoint.every: 0 (no checkpoints). Remove it or set "
                            + "set: {checkpoint.every: 1}.");
                }
            }
        }
        return trials;
    }

    private static Parameter parameter(String where, String key, JsonNode v) {
        String k = "parameters." + key;
        // "output" as a whole section sets output.dir too: its runs landed outside the locked sweep folder.
        if (key.equals("name") || key.equals("seed") || key.equals("output") || key.startsWith("output.")) {
            throw new UserError(where + ": parameter '" + key + "' cannot be swept: the sweep sets a run's name, seed "
                    + "and output folder itself (use seeds: N for several seeds per trial). " + FORMAT);
        }
        if (v != null && v.isArray()) {
            if (v.isEmpty()) throw bad(where, k, "[]", "at least one value");
            List<String> values = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (JsonNode item : v) {
                String text = overrideText(where, k, item, true);
                // A value listed twice trains the same trials twice: a typo, most likely (0.01 for 0.001). Compared as
                // the config reads them: 64, "64" and 64.0 were three trials of the same network.
                if (!seen.add(sameValue(key, text))) {
                    throw bad(where, k, v.toString(), "each value once; " + item + " is listed twice");
                }
                values.add(text);
            }
            return new Parameter(key, values, null);
        }
        if (v != null && v.isObject() && v.size() == 1) {
            String kind = v.fieldNames().next();
            JsonNode bounds = v.get(kind);
            if (!Parameter.Range.KINDS.contains(kind)) {
                throw bad(where, k, kind, "a range kind among " + Parameter.Range.KINDS + ". " + FORMAT);
            }
            if (!bounds.isArray() || bounds.size() != 2 || !bounds.get(0).isNumber() || !bounds.get(1).isNumber()) {
                throw bad(where, k + "." + kind, bounds.toString(), "two numbers [lo, hi]");
            }
            double lo = bounds.get(0).asDouble(), hi = bounds.get(1).asDouble();
            // A bound past double's range reads as infinity, and so does hi - lo of two huge ones: each draw was then
            // infinite or NaN, which stopped the sweep with a stack trace.
            if (!Double.isFinite(lo) || !Double.isFinite(hi) || !Double.isFinite(hi - lo)) {
                throw bad(where, k + "." + kind, bounds.toString(), "two finite numbers [lo, hi] whose difference hi - lo "
                        + "is finite too (at most about 1.7e308)");
            }
            if (!(lo < hi)) throw bad(where, k + "." + kind, bounds.toString(), "[lo, hi] with lo < hi");
            if (kind.equals("log_uniform") && lo <= 0) throw bad(where, k + "." + kind, bounds.toString(), "bounds above 0 (it samples the logarithm)");
            if (kind.equals("int") && (!bounds.get(0).canConvertToExactIntegral() || !bounds.get(1).canConvertToExactIntegral())) {
                throw bad(where, k + "." + kind, bounds.toString(), "two whole numbers");
            }
            return new Parameter(key, List.of(), new Parameter.Range(kind, lo, hi));
        }
        throw bad(where, k, v == null ? null : v.toString(), "a list of values or one range. " + FORMAT);
    }

    /** A value's text as the config reads it, for finding one listed twice: numbers by value (64 = 64.0 = 6.4e1). */
    private static String sameValue(String key, String text) {
        if (Spelling.isWordKey(key)) return text.strip().toLowerCase(java.util.Locale.ROOT); // Adam is adam
        try {
            // toString, not toPlainString: "1e999999999" would be written out as a billion digits
            return new java.math.BigDecimal(text.strip()).stripTrailingZeros().toString();
        } catch (NumberFormatException notANumber) {
            return text;
        }
    }

    /** A value as override text: scalars as written, sections and lists (allowed in parameters) as inline YAML. */
    private static String overrideText(String where, String key, JsonNode v, boolean structured) {
        if (v == null) throw bad(where, key, null, "a value");
        if (v.isNull()) { // "[~, data/mnist]" was "key 'parameters.data.dir' is missing" (a review)
            throw new UserError(where + ": key '" + key + "' lists YAML's null (a bare ~, null or an empty item), which "
                    + "is not accepted. Expected each value written out (a folder under your home as ~/… or '~' in quotes).");
        }
        if (v.isValueNode()) return v.asText();
        if (!structured) throw bad(where, key, v.toString(), "a single value (a number or text)");
        try {
            return Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Metric metric(String where, String m) {
        if (m == null) return Metric.VAL_ACCURACY;
        for (Metric metric : Metric.values()) if (metric.key().equals(m)) return metric;
        String why = m.startsWith("test") ? ": the test set is only reported, never used to choose (choosing by it "
                + "would make the best trial's test accuracy optimistic)" : "";
        throw new UserError(where + ": key 'metric' has value '" + m + "', which is not accepted" + why + ". Expected "
                + String.join(" or ", Metric.keys()) + " (of the epoch model.zip holds: under early stopping, the kept one).");
    }

    private static Written bind(Path file, String text) {
        String where = "Sweep file " + file;
        try {
            refuseSecondDocument(where, text);
            Written w = YAML.readValue(text.isBlank() ? "{}" : text, Written.class);
            return w == null ? new Written(null, null, null, null, null, null, null, null, null, null) : w;
        } catch (UnrecognizedPropertyException e) {
            throw YamlLines.unknownKey(where, text, e);
        } catch (MismatchedInputException e) {
            throw new UserError(where + ": " + YamlLines.key(text, e) + " has the wrong "
                    + "type: it is not " + YamlLines.typeName(e.getTargetType()) + ".");
        } catch (JsonMappingException e) {
            throw new UserError(where + ": " + YamlLines.key(text, e) + ": " + Json.problem(e));
        } catch (JsonProcessingException e) {
            throw new UserError(where + ": not valid YAML" + YamlLines.syntaxError(e) + ". Fix the syntax (indentation, a ':' after each key, matching quotes and brackets).");
        }
    }

    /**
     * readValue reads the first document and ignores the rest: a sweep file's second one would go unused, unsaid; and
     * it reads an alias as its anchor's name.
     */
    private static void refuseSecondDocument(String where, String text) throws JsonProcessingException {
        try (JsonParser p = YAML.createParser(text)) {
            if (p.nextToken() == null) return;
            for (int depth = 0; ; p.nextToken()) {
                YamlLines.refuseAlias(where, p);
                if (p.currentToken().isStructStart()) depth++;
                else if (p.currentToken().isStructEnd()) depth--;
                if (depth == 0) break;
            }
            if (p.nextToken() != null) {
                throw YamlLines.secondDocument(where, p.currentLocation());
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // reading from a String
        }
    }

    private static UserError bad(String where, String key, Object value, String expected) {
        throw new UserError(where + ": key '" + key + "' " + (value == null ? "is missing" : "has value '" + value + "'")
                + ", which is not accepted. Expected " + expected + ".");
    }
}
