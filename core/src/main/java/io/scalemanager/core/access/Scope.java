package io.scalemanager.core.access;

import java.util.Locale;
import java.util.Optional;

/** What a token may do (CONTRACT.md, "Access"). {@code admin} may do everything. */
public enum Scope {
    /** Post states, only for the instances the token's glob matches. */
    INGEST,
    /** Every GET but /health and /ready. */
    READ,
    /** Resize, pauses, silences, rules reload: every changing request but ingestion. */
    OPERATE,
    /** Everything, the audit trail included. */
    ADMIN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Scope> parse(String text) {
        for (Scope s : values()) {
            if (s.wireName().equals(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
