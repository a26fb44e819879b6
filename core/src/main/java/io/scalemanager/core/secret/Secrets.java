package io.scalemanager.core.secret;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Pattern;

/**
 * The secret values this process knows (tokens, passwords, a provider's credentials), so that text it did not
 * write itself (a provider's output, a hoster's answer) can be shown in operations, actions and alerts without
 * them. Process-wide because every configuration reader that meets a secret registers it, and every place that
 * shows foreign text redacts with all of them.
 */
public final class Secrets {
    /** Replaces a secret in redacted text. */
    public static final String REDACTED = "[redacted]";
    /** Shorter values would redact ordinary words and numbers; no real credential is this short. */
    static final int MIN_LENGTH = 6;
    /** Environment variables whose values count as secrets. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(TOKEN|PASSWORD|PASSWD|SECRET|_KEY|APIKEY).*");

    private static final Set<String> KNOWN = new CopyOnWriteArraySet<>();

    private Secrets() {
    }

    /** Adds a secret value; null, blank and very short values are ignored. */
    public static void register(String value) {
        if (value != null && value.strip().length() >= MIN_LENGTH) {
            KNOWN.add(value.strip());
        }
    }

    /** Registers the values of the environment variables whose names say they are secrets. */
    public static void registerFromEnvironment(Map<String, String> env) {
        env.forEach((name, value) -> {
            if (SECRET_NAME.matcher(name).matches()) {
                register(value);
            }
        });
    }

    /** The text with every known secret replaced, cut to at most maxChars characters (plus a marker). */
    public static String redact(String text, int maxChars) {
        if (text == null) {
            return null;
        }
        String out = text;
        List<String> longestFirst = new ArrayList<>(KNOWN);
        // A secret that contains another must go first, or its remainder would still show.
        longestFirst.sort(Comparator.comparingInt(String::length).reversed());
        for (String secret : longestFirst) {
            if (out.contains(secret)) {
                out = out.replace(secret, REDACTED);
            }
        }
        return out.length() <= maxChars ? out : out.substring(0, maxChars) + "… (cut)";
    }

    /** Forgets every registered secret; for tests that start several processes' worth of configuration. */
    static void clear() {
        KNOWN.clear();
    }
}
