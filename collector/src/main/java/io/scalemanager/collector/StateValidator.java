package io.scalemanager.collector;

import io.scalemanager.core.state.State;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.core.time.EpochSeconds;

import java.time.Duration;

/**
 * The rules of a state (CONTRACT.md, "States"). Pure: the caller passes the current time, so one clock reading
 * serves a whole batch and the rules are testable without a clock.
 *
 * <p>One deliberate addition to the contract's character set: an instance id may not contain {@code .} or
 * {@code ..} as a {@code /}-separated segment ({@code ../etc}), because ids end up in URLs, file names and
 * provider commands, and no real VM is named like a path traversal.
 */
final class StateValidator {
    static final int MAX_INSTANCE_LENGTH = 255;
    static final int MAX_TYPE_LENGTH = 64;
    private static final int MAX_NUMBER_TEXT_LENGTH = 100;
    /** Epoch seconds above this are almost surely milliseconds (it is the year 5138). */
    private static final double LOOKS_LIKE_MILLIS = 1e11;

    private static final boolean[] TYPE_CHARS = chars("._-");
    private static final boolean[] INSTANCE_CHARS = chars("._:/@-");
    private static final String TYPE_CHARS_TEXT = "A-Z a-z 0-9 . _ -";
    private static final String INSTANCE_CHARS_TEXT = "A-Z a-z 0-9 . _ : / @ -";

    private final long toleranceMs;
    private final String toleranceText;

    StateValidator(Duration futureTolerance) {
        this.toleranceMs = futureTolerance.toMillis();
        this.toleranceText = DurationText.format(futureTolerance);
    }

    /** The state, or null after adding one error per problem to {@code errors}. */
    State validate(int index, RawState raw, long nowMs, ValidationErrors errors) {
        String instance = identifier(index, "instance", raw.instance, MAX_INSTANCE_LENGTH, INSTANCE_CHARS,
                INSTANCE_CHARS_TEXT, errors);
        if (instance != null && hasDotSegment(instance)) {
            errors.add(index, "instance", "must not contain '.' or '..' as a path segment");
            instance = null;
        }
        String type = identifier(index, "type", raw.type, MAX_TYPE_LENGTH, TYPE_CHARS, TYPE_CHARS_TEXT, errors);
        double value = number(index, "value", raw.value, errors);
        long timestampMs = timestamp(index, raw.timestamp, nowMs, errors);
        if (instance == null || type == null || Double.isNaN(value) || timestampMs < 0) {
            return null;
        }
        return new State(instance, type, value, timestampMs);
    }

    private static String identifier(int index, String name, RawField field, int maxLength, boolean[] allowed,
                                     String allowedText, ValidationErrors errors) {
        if (field.kind != RawField.Kind.STRING) {
            errors.add(index, name, field.kind == RawField.Kind.MISSING ? "is required"
                    : "must be a string, got " + field.kind.description);
            return null;
        }
        String s = field.text;
        if (s.isEmpty()) {
            errors.add(index, name, "must not be empty");
            return null;
        }
        if (s.length() > maxLength) {
            errors.add(index, name, "must be at most " + maxLength + " characters, got " + s.length());
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= allowed.length || !allowed[c]) {
                errors.add(index, name, "character " + describe(c) + " at position " + (i + 1)
                        + " is not allowed; use " + allowedText);
                return null;
            }
        }
        return s;
    }

    /** The value, or NaN after adding an error (NaN is never a valid value, so it can mean "invalid"). */
    private static double number(int index, String name, RawField field, ValidationErrors errors) {
        double n = switch (field.kind) {
            case NUMBER -> field.number;
            case STRING -> parseDecimal(field.text);
            default -> {
                errors.add(index, name, field.kind == RawField.Kind.MISSING ? "is required"
                        : "must be a number or a numeric string, got " + field.kind.description);
                yield Double.NaN;
            }
        };
        if (field.kind == RawField.Kind.NUMBER || field.kind == RawField.Kind.STRING) {
            if (!Double.isFinite(n)) {
                errors.add(index, name, "must be a finite number or a numeric string such as \"81.5\"");
                return Double.NaN;
            }
        }
        return n;
    }

    /** Epoch milliseconds, or -1 after adding an error. */
    private long timestamp(int index, RawField field, long nowMs, ValidationErrors errors) {
        double seconds = number(index, "timestamp", field, errors);
        if (Double.isNaN(seconds)) {
            return -1;
        }
        if (seconds > LOOKS_LIKE_MILLIS) {
            errors.add(index, "timestamp", "must be epoch seconds; " + field.kind.description
                    + " this large looks like milliseconds");
            return -1;
        }
        long ms = EpochSeconds.toMillis(seconds);
        if (ms <= 0) {
            errors.add(index, "timestamp", "must be positive epoch seconds");
            return -1;
        }
        if (ms - nowMs > toleranceMs) {
            errors.add(index, "timestamp", "is more than " + toleranceText + " in the future (server time is "
                    + EpochSeconds.fromMillis(nowMs) + "); check the clock of the instance");
            return -1;
        }
        return ms;
    }

    /**
     * Parses a decimal number as JSON writes it, with an optional sign and surrounding blanks. Stricter than
     * {@link Double#parseDouble}, which also reads "NaN", "Infinity", hex and a trailing "d" or "f".
     */
    static double parseDecimal(String text) {
        String s = text.strip();
        if (s.isEmpty() || s.length() > MAX_NUMBER_TEXT_LENGTH) {
            return Double.NaN;
        }
        int i = 0;
        int n = s.length();
        if (s.charAt(i) == '+' || s.charAt(i) == '-') {
            i++;
        }
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponentDigits = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                exponentDigits++;
            }
            if (exponentDigits == 0) {
                return Double.NaN;
            }
        }
        return i == n ? Double.parseDouble(s) : Double.NaN;
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

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String describe(char c) {
        String code = String.format("U+%04X", (int) c);
        return c > 0x20 && c < 0x7f ? "'" + c + "' (" + code + ")" : code;
    }

    private static boolean[] chars(String punctuation) {
        boolean[] allowed = new boolean[128];
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
        return allowed;
    }
}
