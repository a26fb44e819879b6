package io.scalemanager.manager.actionlog;

import java.util.Locale;
import java.util.Optional;

/**
 * Where an action stands. Every status but succeeded and failed holds the lock of (instance, component): pending
 * and running while the command is under way, and after the operation succeeded verifying (until the instance
 * shows its new size), unverified (it did not within the verify timeout) and needs_restart (the provider stored
 * the change for the next restart), so that a rule seeing the same usage again does not resize once more.
 */
public enum ActionStatus {
    PENDING, RUNNING, VERIFYING, UNVERIFIED, NEEDS_RESTART, SUCCEEDED, FAILED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED;
    }

    /** The command is still to be sent or followed: what the executor resumes after a restart. */
    public boolean commandInFlight() {
        return this == PENDING || this == RUNNING;
    }

    /** The operation succeeded and the manager waits for the instance to show the new size. */
    public boolean awaitingSize() {
        return this == VERIFYING || this == UNVERIFIED || this == NEEDS_RESTART;
    }

    public static Optional<ActionStatus> parse(String text) {
        for (ActionStatus s : values()) {
            if (s.wireName().equals(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The wire names, for messages naming the allowed values. */
    public static String wireNames() {
        StringBuilder sb = new StringBuilder();
        for (ActionStatus s : values()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(s.wireName());
        }
        return sb.toString();
    }
}
