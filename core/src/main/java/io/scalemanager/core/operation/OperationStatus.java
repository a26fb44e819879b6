package io.scalemanager.core.operation;

import java.util.Locale;
import java.util.Optional;

/**
 * Where an instance API operation is in its life: pending, then running, then succeeded or failed. In core because
 * both sides of the instance API use it: the server that runs operations and the manager's client that polls them.
 */
public enum OperationStatus {
    PENDING, RUNNING, SUCCEEDED, FAILED;

    public boolean isFinished() {
        return this == SUCCEEDED || this == FAILED;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status of a wire name known to be one (as stored by the instance API); throws on anything else. */
    public static OperationStatus fromWire(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }

    /** The status of its wire name, if it is one. */
    public static Optional<OperationStatus> parse(String text) {
        for (OperationStatus s : values()) {
            if (s.wireName().equals(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName();
    }
}
