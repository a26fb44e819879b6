package io.scalemanager.manager.rules;

import java.util.Locale;
import java.util.Optional;

/**
 * A summary of the samples in a rule's {@code for} window, as in {@code p90(cpu) > 80}. Percentiles are by nearest
 * rank: {@code pN} of n samples is the sample at rank {@code ceil(N/100 * n)} in ascending order, so it is always
 * a value that was reported.
 */
public enum Aggregate {
    AVG, MIN, MAX, P50(50), P90(90), P95(95), P99(99);

    private final int percentile;

    Aggregate() {
        this(0);
    }

    Aggregate(int percentile) {
        this.percentile = percentile;
    }

    /** The percentile, or 0 for avg, min and max. */
    public int percentile() {
        return percentile;
    }

    /** The name as written in a rule: {@code avg}, {@code p90}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Aggregate> parse(String text) {
        for (Aggregate a : values()) {
            if (a.wireName().equals(text)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
