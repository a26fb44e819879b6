package io.scalemanager.core.pattern;

import java.util.regex.Pattern;

/**
 * A glob on instance ids: {@code *} any run of characters, {@code ?} one character, anything else itself. Read
 * every glob through {@link #parse}, wherever it comes from (rules, limits, silences, the providers and alerts
 * files, request filters), so that all of them accept and refuse the same text.
 *
 * <p>Matching is the greedy two-pointer wildcard match, not a regular expression: it never backtracks
 * exponentially, so a pattern like {@code *a*a*a*a*a*a*a*a*b} costs at most |pattern| × |id| steps (65,025
 * for the longest of each) however it is written.
 */
public final class InstancePattern {
    /** Characters of an instance id (the contract's) plus the two wildcards. */
    private static final Pattern TEXT = Pattern.compile("[A-Za-z0-9._:/@*?-]{1,255}");
    /** What a glob must look like, for error messages that say what to write instead. */
    public static final String FORM = "a glob of 1-255 characters of A-Z a-z 0-9 . _ : / @ - with * and ?, "
            + "like \"web-*\"";

    public static final InstancePattern ANY = new InstancePattern("*");

    private final String text;

    private InstancePattern(String text) {
        this.text = text;
    }

    /**
     * The glob in {@code text}.
     *
     * @throws IllegalArgumentException naming what is wrong: {@code must be a glob of ..., got "web-[12]"}
     */
    public static InstancePattern parse(String text) {
        if (text == null || !TEXT.matcher(text).matches()) {
            throw new IllegalArgumentException("must be " + FORM + ", got "
                    + (text == null ? "nothing" : "\"" + text + "\""));
        }
        return "*".equals(text) ? ANY : new InstancePattern(text);
    }

    public boolean matches(String instance) {
        if (this == ANY) {
            return true;
        }
        int p = 0;
        int i = 0;
        int star = -1;      // position in the pattern just after the last '*' seen
        int resume = 0;     // position in the id where that '*' currently stops swallowing
        while (i < instance.length()) {
            if (p < text.length() && text.charAt(p) == '*') {
                star = ++p;
                resume = i;
            } else if (p < text.length() && (text.charAt(p) == '?' || text.charAt(p) == instance.charAt(i))) {
                p++;
                i++;
            } else if (star >= 0) {
                // The part after the last '*' failed here: let that '*' swallow one more character, retry.
                p = star;
                i = ++resume;
            } else {
                return false;
            }
        }
        while (p < text.length() && text.charAt(p) == '*') {
            p++;
        }
        return p == text.length();
    }

    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstancePattern p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
