package io.scalemanager.manager.rules;

import io.scalemanager.core.condition.Operator;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One comparison in a rule's {@code when}: {@code TYPE OP THRESHOLD} applied to each sample, such as
 * {@code ram > 80}, or {@code AGG(TYPE) OP THRESHOLD} applied to a summary of the samples in the {@code for}
 * window, such as {@code p90(cpu) > 80}.
 *
 * @param aggregate the summary compared with the threshold; null when each sample is compared
 */
public record Condition(String type, Operator op, double threshold, Aggregate aggregate) implements When {

    public Condition {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(op, "op");
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite, got " + threshold);
        }
    }

    /** A comparison of each sample: {@code ram > 80}. */
    public Condition(String type, Operator op, double threshold) {
        this(type, op, threshold, null);
    }

    /** Whether a value of this condition's type (or the aggregate of such values) matches. */
    public boolean test(double value) {
        return op.test(value, threshold);
    }

    public boolean isAggregate() {
        return aggregate != null;
    }

    @Override
    public List<Condition> conditions() {
        return List.of(this);
    }

    @Override
    public Set<String> types() {
        return Set.of(type);
    }

    /** Text as written in a rule: {@code ram > 80}, {@code p90(cpu) > 80}. */
    @Override
    public String describe() {
        String subject = aggregate == null ? type : aggregate.wireName() + "(" + type + ")";
        return subject + " " + op.symbol() + " " + number(threshold);
    }

    /** A number as people write it: {@code 80}, {@code 81.5}. */
    public static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
