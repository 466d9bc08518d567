package dev.mnistfcn.sweep;

import dev.mnistfcn.eval.EpochStats;
import dev.mnistfcn.report.RunMetrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * What a sweep chooses by: the validation figures of the epoch whose weights the run's model.zip holds, its last,
 * or with training.early_stopping the kept one (a stopped run's last epoch is by then {@code patience} epochs past
 * its best). The test set is only reported, so that the chosen config's test accuracy stays an honest estimate.
 */
public enum Metric {
    VAL_ACCURACY("val_accuracy", true),
    VAL_LOSS("val_loss", false);

    private final String key;
    private final boolean higherIsBetter;

    Metric(String key, boolean higherIsBetter) {
        this.key = key;
        this.higherIsBetter = higherIsBetter;
    }

    public String key() {
        return key;
    }

    public double of(RunMetrics run) {
        List<EpochStats> h = run.history();
        EpochStats kept = h.get((run.earlyStopping() == null ? h.size() : run.earlyStopping().bestModelEpoch()) - 1);
        return this == VAL_ACCURACY ? kept.validationAccuracy() : kept.validationLoss();
    }

    /** Best first; NaN (a diverged run) last. */
    public Comparator<Double> bestFirst() {
        Comparator<Double> natural = Comparator.naturalOrder();
        Comparator<Double> order = higherIsBetter ? natural.reversed() : natural;
        return Comparator.comparing((Double d) -> d.isNaN()).thenComparing(order);
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(Metric::key).toList();
    }
}
