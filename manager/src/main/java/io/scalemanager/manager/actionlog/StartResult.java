package io.scalemanager.manager.actionlog;

import io.scalemanager.manager.rules.Budget;

/** The outcome of trying to start an action. */
public sealed interface StartResult {

    /** The action was written and holds the lock of its (instance, component). */
    record Started(Action action) implements StartResult {
    }

    /** Another action holds the lock: pending or running (until = Long.MAX_VALUE), or cooling down until then. */
    record Blocked(long untilMs) implements StartResult {
    }

    /**
     * A change budget that applies to the instance has no room: {@code untilMs} is when a slot frees at the
     * earliest (a guess for concurrency, which frees when an action finishes). {@code alert} is true for the one
     * caller in the budget's period (across managers) that should raise the alert.
     */
    record OverBudget(Budget budget, String reason, long untilMs, boolean alert) implements StartResult {
    }

    /** This trigger already fired this rule (the event was evaluated again after a restart). */
    record AlreadyDecided() implements StartResult {
    }
}
