package dev.mnistfcn.config;

import java.util.Collection;
import java.util.Set;

/**
 * The one spelling a config keeps for a word key (updater type, engine, dataset, ...), whatever case the user typed;
 * the commands' {@code --engine}, {@code --engines} and {@code --dataset} and a sweep's values read words alike.
 */
public final class Spelling {
    /** The last part of every key whose value is a word: {@code training.updater.type}, {@code hidden.0.activation}. */
    private static final Set<String> WORD_KEY_ENDS = Set.of("activation", "type", "engine", "dataset", "by", "monitor");

    private Spelling() {
    }

    /** Whether dotted key {@code key} takes a word, in any case ({@link #of}). */
    public static boolean isWordKey(String key) {
        return WORD_KEY_ENDS.contains(key.substring(key.lastIndexOf('.') + 1));
    }

    /**
     * The accepted word {@code value} names in any case ({@code Adam} → {@code adam}), else {@code value} as written,
     * so that the validator's message shows what the user typed.
     */
    public static String of(String value, Collection<String> accepted) {
        if (value == null) return null;
        for (String word : accepted) if (word.equalsIgnoreCase(value)) return word;
        return value;
    }
}
