package io.scalemanager.manager.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * The ruleset a manager works with now, replaced whole by a reload. Readers take {@link #loaded()} once per event
 * and see one consistent ruleset; the version tells partition threads that their windows need resizing.
 */
public final class CurrentRuleset implements Supplier<Ruleset> {

    /**
     * A ruleset as loaded.
     *
     * @param hash    SHA-256 of the rules file's text (hex), so managers that disagree are visible
     * @param version counts loads from 1
     */
    public record Loaded(Ruleset ruleset, String hash, long loadedAtMs, long version) {
    }

    private volatile Loaded loaded;

    public CurrentRuleset(Ruleset initial, String hash, long loadedAtMs) {
        this.loaded = new Loaded(initial, hash, loadedAtMs, 1);
    }

    /** A ruleset that is never reloaded (tests, tools). */
    public static CurrentRuleset of(Ruleset ruleset) {
        return new CurrentRuleset(ruleset, hash(ruleset.toString()), 0);
    }

    public Loaded loaded() {
        return loaded;
    }

    @Override
    public Ruleset get() {
        return loaded.ruleset();
    }

    /** Puts a new ruleset in place; returns it as loaded. */
    public synchronized Loaded replace(Ruleset ruleset, String hash, long nowMs) {
        loaded = new Loaded(ruleset, hash, nowMs, loaded.version() + 1);
        return loaded;
    }

    /** SHA-256 of the text, lowercase hex. */
    public static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
