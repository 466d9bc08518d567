package dev.mnistfcn.config;

import java.util.Collection;

/**
 * The one spelling a config keeps for a word key (updater type, engine, dataset, ...), and the commands' {@code --engine}
 * takes, whatever case the user typed.
 */
public final class Spelling {
    private Spelling() {
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
