package io.scalemanager.manager.rules;

import io.scalemanager.core.condition.Operator;
import java.util.Objects;

/** A rule's {@code when}: {@code TYPE OP THRESHOLD}, such as {@code ram > 80}. */
public record Condition(String type, Operator op, double threshold) {

    public Condition {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(op, "op");
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite, got " + threshold);
        }
    }

    /** Whether a value of this condition's type matches. */
    public boolean test(double value) {
        return op.test(value, threshold);
    }

    /** Text as written in a rule: {@code ram > 80}. */
    public String describe() {
        return type + " " + op.symbol() + " " + number(threshold);
    }

    /** A number as people write it: {@code 80}, {@code 81.5}. */
    public static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
