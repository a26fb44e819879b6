package io.scalemanager.core.sizing;

import java.util.Locale;
import java.util.Optional;

/** What can be resized on an instance. Units: cpu in cores, ram in MiB, storage in GiB. */
public enum Component {
    CPU("cores"), RAM("MiB"), STORAGE("GiB");

    private final String unit;

    Component(String unit) {
        this.unit = unit;
    }

    public String unit() {
        return unit;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Component> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (Component c : values()) {
            if (c.wireName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName();
    }
}
