package io.scalemanager.manager.actionlog;

/** The outcome of trying to start an action. */
public sealed interface StartResult {

    /** The action was written and holds the lock of its (instance, component). */
    record Started(Action action) implements StartResult {
    }

    /** Another action holds the lock: pending or running (until = Long.MAX_VALUE), or cooling down until then. */
    record Blocked(long untilMs) implements StartResult {
    }

    /** This trigger already fired this rule (the event was evaluated again after a restart). */
    record AlreadyDecided() implements StartResult {
    }
}
