package io.scalemanager.core.sizing;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a resize may be one that is stored but takes effect only at the instance's next restart (libvirt beyond
 * the domain's live maximum, a hoster that applies it at the next boot). A rule's {@code restart: never} sends
 * {@link #NEVER}: a provider then refuses such a change before making it, so nothing waits for a restart.
 */
public enum RestartPolicy {
    ALLOWED, NEVER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<RestartPolicy> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (RestartPolicy p : values()) {
            if (p.wireName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName();
    }
}
