package io.scalemanager.instanceapi.operation;

import java.util.Locale;

/** Where an operation is in its life: pending, then running, then succeeded or failed. */
public enum OperationStatus {
    PENDING, RUNNING, SUCCEEDED, FAILED;

    public boolean isFinished() {
        return this == SUCCEEDED || this == FAILED;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static OperationStatus fromWire(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }

    /** The status of its wire name, if it is one. */
    public static java.util.Optional<OperationStatus> parse(String text) {
        for (OperationStatus s : values()) {
            if (s.wireName().equals(text)) {
                return java.util.Optional.of(s);
            }
        }
        return java.util.Optional.empty();
    }

    @Override
    public String toString() {
        return wireName();
    }
}
