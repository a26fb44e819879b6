package io.scalemanager.manager.rules;

import java.util.Optional;

/**
 * A comparison in a rule's {@code when} and in the History API's query: {@code > >= < <= == !=}.
 * {@code ==} and {@code !=} compare the doubles exactly, as the agent reports them.
 */
public enum Operator {
    GT(">"), GE(">="), LT("<"), LE("<="), EQ("=="), NE("!=");

    private final String symbol;

    Operator(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    /** Whether {@code value OP threshold} holds. */
    public boolean test(double value, double threshold) {
        return switch (this) {
            case GT -> value > threshold;
            case GE -> value >= threshold;
            case LT -> value < threshold;
            case LE -> value <= threshold;
            case EQ -> value == threshold;
            case NE -> value != threshold;
        };
    }

    /** The operator written as its symbol, surrounding blanks ignored; empty for anything else. */
    public static Optional<Operator> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim();
        for (Operator op : values()) {
            if (op.symbol.equals(t)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return symbol;
    }
}
