package io.scalemanager.manager.decide;

import io.scalemanager.core.condition.Operator;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How reasons write times, numbers and failed comparisons, the same in every outcome. */
final class Reasons {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private Reasons() {
    }

    /** A time of day in UTC, {@code 12:00:10}: reasons are read beside the epoch seconds of the same body. */
    static String time(long epochMs) {
        return CLOCK.format(Instant.ofEpochMilli(epochMs));
    }

    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.valueOf(v);
    }

    /** The comparison that holds when the operator's does not: {@code ≤} for {@code >}. */
    static String negated(Operator op) {
        return switch (op) {
            case GT -> "≤";
            case GE -> "<";
            case LT -> "≥";
            case LE -> ">";
            case EQ -> "≠";
            case NE -> "=";
        };
    }
}
