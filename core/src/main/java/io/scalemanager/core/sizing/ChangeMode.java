package io.scalemanager.core.sizing;

import java.util.Locale;
import java.util.Optional;

/** How a change's value is read: an absolute size, a relative step, or a percentage of the current size. */
public enum ChangeMode {
    ABS, REL, PERCENT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ChangeMode> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (ChangeMode m : values()) {
            if (m.wireName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName();
    }
}
