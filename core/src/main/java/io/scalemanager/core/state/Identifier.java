package io.scalemanager.core.state;

/**
 * The contract's rules for identifiers: instance ids are 1–255 characters of {@code [A-Za-z0-9._:/@-]} (and,
 * as they stand in URL paths, no {@code .} or {@code ..} path segment; see docs/adr/0003), metric types 1–64
 * characters of {@code [A-Za-z0-9._-]}. Checked with plain loops: the collector runs this for every state.
 */
public enum Identifier {
    INSTANCE(255, "._:/@-", "A-Z a-z 0-9 . _ : / @ -"),
    TYPE(64, "._-", "A-Z a-z 0-9 . _ -");

    private final int maxLength;
    private final boolean[] allowed = new boolean[128];
    private final String allowedText;

    Identifier(int maxLength, String punctuation, String allowedText) {
        this.maxLength = maxLength;
        this.allowedText = allowedText;
        for (char c = 'a'; c <= 'z'; c++) {
            allowed[c] = true;
            allowed[Character.toUpperCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            allowed[c] = true;
        }
        for (char c : punctuation.toCharArray()) {
            allowed[c] = true;
        }
    }

    public boolean isValid(String s) {
        return s != null && problem(s) == null;
    }

    /** What is wrong with the text, in words fit for an API error; null when it is valid. */
    public String problem(String s) {
        if (s.isEmpty()) {
            return "must not be empty";
        }
        if (s.length() > maxLength) {
            return "must be at most " + maxLength + " characters, got " + s.length();
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= allowed.length || !allowed[c]) {
                return "character " + describe(c) + " at position " + (i + 1) + " is not allowed; use " + allowedText;
            }
        }
        if (this == INSTANCE && hasDotSegment(s)) {
            return "must not contain '.' or '..' as a path segment";
        }
        return null;
    }

    private static boolean hasDotSegment(String id) {
        int start = 0;
        while (start <= id.length()) {
            int end = id.indexOf('/', start);
            if (end < 0) {
                end = id.length();
            }
            int length = end - start;
            if ((length == 1 || length == 2) && id.charAt(start) == '.' && id.charAt(end - 1) == '.') {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private static String describe(char c) {
        String code = String.format("U+%04X", (int) c);
        return c > 0x20 && c < 0x7f ? "'" + c + "' (" + code + ")" : code;
    }
}
