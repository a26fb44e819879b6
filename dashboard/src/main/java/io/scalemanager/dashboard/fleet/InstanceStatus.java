package io.scalemanager.dashboard.fleet;

import java.util.Locale;
import java.util.Optional;

/**
 * What the fleet page says of an instance, most pressing first: a stopped instance says so before anything its
 * rules did. The order is the sort order of the status column.
 */
public enum InstanceStatus {
    STOPPED_REPORTING, NEEDS_RESTART, FIRING, AT_LIMIT, BLOCKED, COOLING_DOWN, PAUSED, DRY_RUN, OK;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<InstanceStatus> parse(String text) {
        for (InstanceStatus s : values()) {
            if (s.wireName().equals(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
