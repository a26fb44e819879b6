package io.scalemanager.core.condition;

import java.util.Optional;

/** A comparison of a sample's value with a threshold, as written in rules and history queries. */
public enum Operator {
    GT(">"), GE(">="), LT("<"), LE("<="), EQ("=="), NE("!=");

    private final String symbol;

    Operator(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

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

    public static Optional<Operator> parse(String symbol) {
        if (symbol == null) {
            return Optional.empty();
        }
        for (Operator op : values()) {
            if (op.symbol.equals(symbol.trim())) {
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
