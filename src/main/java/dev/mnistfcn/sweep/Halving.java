package dev.mnistfcn.sweep;

import java.util.ArrayList;
import java.util.List;

/**
 * Successive halving: every trial trains {@code minEpochs}, the best {@code keepFraction} go on to train
 * {@code 1/keepFraction} times as long, and so on up to the config's {@code training.epochs}. A trial that goes
 * on is resumed from its checkpoint (the resume is exact), so the first epochs are never trained twice.
 */
public record Halving(int minEpochs, double keepFraction) {
    /** Epochs trained by the end of each round: from {@code minEpochs}, growing by 1/keepFraction, last = full. */
    public List<Integer> rounds(int fullEpochs) {
        List<Integer> rounds = new ArrayList<>();
        for (int e = minEpochs; e < fullEpochs; e = Math.max(e + 1, (int) Math.ceil(e / keepFraction))) rounds.add(e);
        rounds.add(fullEpochs);
        return rounds;
    }

    /** The first {@code ceil(n × keepFraction)} (at least one) of {@code bestFirst}. */
    public <T> List<T> keep(List<T> bestFirst) {
        int n = Math.max(1, (int) Math.ceil(bestFirst.size() * keepFraction - 1e-9));
        return List.copyOf(bestFirst.subList(0, Math.min(n, bestFirst.size())));
    }
}
