package io.scalemanager.manager.rules;

import io.scalemanager.core.time.DurationText;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A rule's {@code rollback: {when: "ram > 95", within: 10m}}: when {@code when} holds on the instance's latest
 * reports within {@code within} after a resize of this rule took effect, the manager resizes back to the size
 * before it, once.
 */
public record Rollback(When when, Duration within) {
    public Rollback {
        Objects.requireNonNull(when, "when");
        if (within == null || within.isNegative() || within.isZero()) {
            throw new IllegalArgumentException("rollback within must be above zero, got " + within);
        }
    }

    /**
     * Whether the condition holds on the latest value of each type (plain conditions: the rule parser refuses
     * aggregates here); false when a type it needs has no value.
     */
    public boolean holds(Map<String, Double> latest) {
        return holds(when, latest);
    }

    private static boolean holds(When w, Map<String, Double> latest) {
        if (w instanceof Condition c) {
            Double v = latest.get(c.type());
            return v != null && c.test(v);
        }
        if (w instanceof When.All all) {
            for (When part : all.parts()) {
                if (!holds(part, latest)) {
                    return false;
                }
            }
            return true;
        }
        for (When part : ((When.Any) w).parts()) {
            if (holds(part, latest)) {
                return true;
            }
        }
        return false;
    }

    /** {@code ram > 95 within 10m}. */
    public String describe() {
        return when.describe() + " within " + DurationText.format(within);
    }
}
