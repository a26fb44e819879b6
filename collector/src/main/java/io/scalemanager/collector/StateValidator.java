package io.scalemanager.collector;

import io.scalemanager.core.state.Identifier;
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
    private static final int MAX_NUMBER_TEXT_LENGTH = 100;
    /** Epoch seconds above this are almost surely milliseconds (it is the year 5138). */
    private static final double LOOKS_LIKE_MILLIS = 1e11;


    private final long toleranceMs;
    private final String toleranceText;

    StateValidator(Duration futureTolerance) {
        this.toleranceMs = futureTolerance.toMillis();
        this.toleranceText = DurationText.format(futureTolerance);
    }

    /** The state, or null after adding one error per problem to {@code errors}. */
    State validate(int index, RawState raw, long nowMs, ValidationErrors errors) {
        String instance = identifier(index, "instance", raw.instance, Identifier.INSTANCE, errors);
        String type = identifier(index, "type", raw.type, Identifier.TYPE, errors);
        double value = number(index, "value", raw.value, errors);
        long timestampMs = timestamp(index, raw.timestamp, nowMs, errors);
        if (instance == null || type == null || Double.isNaN(value) || timestampMs < 0) {
            return null;
        }
        return new State(instance, type, value, timestampMs);
    }

    private static String identifier(int index, String name, RawField field, Identifier rule,
                                     ValidationErrors errors) {
        if (field.kind != RawField.Kind.STRING) {
            errors.add(index, name, field.kind == RawField.Kind.MISSING ? "is required"
                    : "must be a string, got " + field.kind.description);
            return null;
        }
        String problem = rule.problem(field.text);
        if (problem != null) {
            errors.add(index, name, problem);
            return null;
        }
        return field.text;
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

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
