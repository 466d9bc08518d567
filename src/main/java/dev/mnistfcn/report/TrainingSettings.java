package dev.mnistfcn.report;

import dev.mnistfcn.config.AugmentSpec;
import dev.mnistfcn.config.EarlyStoppingSpec;
import dev.mnistfcn.config.ExperimentConfig;
import dev.mnistfcn.config.LayerSpec;
import dev.mnistfcn.config.ModelSpec;
import dev.mnistfcn.config.ScheduleSpec;
import dev.mnistfcn.config.UpdaterSpec;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A run's settings beyond the tutorial's (learning-rate schedule, dropout, L2, weight decay, augmentation, early
 * stopping) in the YAML's words, each only when set, e.g. {@code schedule: exponential by epoch, gamma 0.9}: what
 * tells two runs of the same network apart in the console header and the reports' headers.
 */
public final class TrainingSettings {
    private TrainingSettings() {
    }

    /** The optimiser as the reports have always named it: {@code adam lr 0.01}. */
    public static String optimiser(ExperimentConfig c) {
        UpdaterSpec u = c.training().updater();
        // A map schedule gives every rate itself (learning_rate is not used); the settings show it.
        if (u.schedule() != null && u.schedule().type().equals("map")) return u.type() + " lr from its schedule";
        return u.type() + " lr " + number(u.learningRate()); // 0.0001 as written, not Double's 1.0E-4
    }

    /** The settings that are set, in config order (model, then training); empty for the tutorial's nets. */
    public static List<String> of(ExperimentConfig c) {
        List<String> parts = new ArrayList<>();
        UpdaterSpec u = c.training().updater();
        if (u.schedule() != null) parts.add("schedule: " + schedule(u.schedule()));
        String dropout = dropout(c.model());
        if (!dropout.isEmpty()) parts.add("dropout: " + dropout);
        if (c.model().hidden().stream().anyMatch(l -> on(l.l2()))) {
            parts.add("l2: " + perLayer(c.model().hidden().stream().map(LayerSpec::l2).toList()));
        }
        if (on(u.weightDecay())) parts.add("weight_decay: " + number(u.weightDecay()));
        if (c.data().augment() != null) parts.add("augment: " + augment(c.data().augment()));
        EarlyStoppingSpec es = c.training().earlyStopping();
        if (es != null) {
            parts.add("early stopping: " + es.monitor() + ", patience " + es.patience() + ", min_delta " + number(es.minDelta()));
        }
        return parts;
    }

    /** {@link #of} joined by semicolons, or "" when nothing is set. */
    public static String joined(ExperimentConfig c) {
        return String.join("; ", of(c));
    }

    /** The optimiser, then every setting beyond the tutorial's: how the runs page and the live stream name a run. */
    public static String line(ExperimentConfig c) {
        String settings = joined(c);
        return settings.isEmpty() ? optimiser(c) : optimiser(c) + "; " + settings;
    }

    /** {@code exponential by epoch, gamma 0.9}: the type, the count, then its own keys in DL4J's names. */
    static String schedule(ScheduleSpec s) {
        StringBuilder sb = new StringBuilder(s.type()).append(" by ").append(s.by());
        for (String key : ScheduleSpec.KEYS.getOrDefault(s.type(), List.of())) {
            Object v = s.get(key);
            if (v == null) continue;
            String text = v instanceof java.util.Map<?, ?> m ? m.entrySet().stream()
                    .map(e -> e.getKey() + ": " + number(((Number) e.getValue()).doubleValue()))
                    .collect(Collectors.joining(", ", "{", "}")) : v instanceof Double d ? number(d) : v.toString();
            sb.append(", ").append(key).append(' ').append(text);
        }
        return sb.toString();
    }

    /** {@code rotation 10, scale 0.9-1.1, shear 5, translation 2, elastic 34/4}: the keys that are set. */
    private static String augment(AugmentSpec a) {
        List<String> parts = new ArrayList<>();
        if (a.rotation() != null) parts.add("rotation " + number(a.rotation()));
        if (a.scale() != null) parts.add("scale " + a.scale().stream().map(TrainingSettings::number).collect(Collectors.joining("-")));
        if (a.shear() != null) parts.add("shear " + number(a.shear()));
        if (a.translation() != null) parts.add("translation " + number(a.translation()));
        if (a.elastic() != null) parts.add("elastic " + number(a.elastic().alpha()) + "/" + number(a.elastic().sigma()));
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /** {@code input 0.1, hidden 0.3/0.3}; a hidden layer without dropout shows 0 (none dropped). */
    private static String dropout(ModelSpec m) {
        List<String> parts = new ArrayList<>();
        if (on(m.inputDropout())) parts.add("input " + number(m.inputDropout()));
        if (m.hidden().stream().anyMatch(l -> on(l.dropout()))) {
            parts.add("hidden " + perLayer(m.hidden().stream().map(LayerSpec::dropout).toList()));
        }
        return String.join(", ", parts);
    }

    /** One value per hidden layer, first to last, 0 where absent: {@code 0.3/0.3}. */
    private static String perLayer(List<Double> values) {
        return values.stream().map(v -> number(v == null ? 0 : v)).collect(Collectors.joining("/"));
    }

    private static boolean on(Double v) {
        return v != null && v > 0;
    }

    /** As written in YAML: 0.9, 0.0001, 0 (not 1.0E-4 or 0.0); 1E+308 and 1E-320 so (plain, 309 and 320 digits). */
    static String number(double v) {
        BigDecimal n = BigDecimal.valueOf(v).stripTrailingZeros();
        return v == 0 || Math.abs(v) >= 1e-6 && Math.abs(v) < 1e15 ? n.toPlainString() : n.toString();
    }
}
