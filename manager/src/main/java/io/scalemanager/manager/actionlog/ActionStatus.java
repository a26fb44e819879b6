package io.scalemanager.manager.actionlog;

import java.util.Locale;
import java.util.Optional;

/** Where an action stands. Pending and running hold the lock of (instance, component). */
public enum ActionStatus {
    PENDING, RUNNING, SUCCEEDED, FAILED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED;
    }

    public static Optional<ActionStatus> parse(String text) {
        for (ActionStatus s : values()) {
            if (s.wireName().equals(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
