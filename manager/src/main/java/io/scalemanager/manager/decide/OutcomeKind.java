package io.scalemanager.manager.decide;

import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of outcome a rule's evaluation can have, as the API names them. The policy issue's kinds
 * ({@code outside_schedule}, {@code budget}, {@code guard}) are listed so the API, the decision log and the
 * metrics know them; their {@link Outcome} records come with the policies that decide them.
 */
public enum OutcomeKind {
    FIRED, WOULD_FIRE, BLOCKED, AT_LIMIT, GUARD, BUDGET, PAUSED, OUTSIDE_SCHEDULE, TOO_OLD, STALE, NOT_HELD;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Recorded in the decision log every time, not only when an (instance, rule) changes to it. */
    public boolean alwaysRecorded() {
        return switch (this) {
            case FIRED, WOULD_FIRE, BLOCKED, AT_LIMIT, GUARD, BUDGET -> true;
            default -> false;
        };
    }

    /**
     * The rule is only waiting for its condition: nothing stops it and there is nothing to act on. Such an
     * outcome is no change when it is the first one of an (instance, rule) a manager decides (after a start or
     * a takeover every rule of every instance begins so), so that one is kept in memory but not written.
     */
    public boolean quiet() {
        return this == NOT_HELD || this == STALE;
    }

    /**
     * How much an operator looking at the fleet wants to know of it: lower is more pressing (the order of the
     * constants). {@code /v1/instances} shows each instance's most pressing outcome.
     */
    public int pressure() {
        return ordinal();
    }

    public static Optional<OutcomeKind> parse(String text) {
        for (OutcomeKind k : values()) {
            if (k.wireName().equals(text)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** Every wire name, comma-separated, for error messages. */
    public static String names() {
        StringBuilder b = new StringBuilder();
        for (OutcomeKind k : values()) {
            b.append(b.isEmpty() ? "" : ", ").append(k.wireName());
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return wireName();
    }
}
