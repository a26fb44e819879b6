package io.scalemanager.collector;

import io.scalemanager.core.state.State;
import io.scalemanager.core.web.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class StateValidatorTest {
    private static final long NOW_MS = 1_764_067_200_000L;
    private static final double NOW_S = NOW_MS / 1000.0;
    /** Stands for a field the JSON did not have. */
    private static final Object MISSING = new Object();
    private static final Object OBJECT = new Object();
    private static final Object ARRAY = new Object();

    private final StateValidator validator = new StateValidator(Duration.ofMinutes(10));

    static Stream<Arguments> validStates() {
        return Stream.of(
                arguments("web-1", "ram", 81.5, NOW_S, new State("web-1", "ram", 81.5, NOW_MS)),
                arguments("web-1", "ram", "81.5", String.valueOf((long) NOW_S), new State("web-1", "ram", 81.5, NOW_MS)),
                arguments("web-1", "cpu", " 7 ", "1764067200.25", new State("web-1", "cpu", 7, NOW_MS + 250)),
                arguments("web-1", "load", "-1.5e2", 1764067200.123, new State("web-1", "load", -150, NOW_MS + 123)),
                arguments("web-1", "load", "+.5", 1764067200, new State("web-1", "load", 0.5, NOW_MS)),
                arguments("web-1", "load", "5.", 1764067200, new State("web-1", "load", 5, NOW_MS)),
                arguments("proj/zone:vm@host.example_1-a", "storage_used_gb", 0, 1, new State(
                        "proj/zone:vm@host.example_1-a", "storage_used_gb", 0, 1000)),
                arguments("a".repeat(255), "t".repeat(64), 1, NOW_S, new State("a".repeat(255), "t".repeat(64), 1, NOW_MS)),
                arguments("web...1/..x", "ram", 1, NOW_S, new State("web...1/..x", "ram", 1, NOW_MS)),
                arguments("web-1", "ram", 1, NOW_S + 600, new State("web-1", "ram", 1, NOW_MS + 600_000)));
    }

    @ParameterizedTest(name = "[{index}] {0} {1} {2} {3}")
    @MethodSource("validStates")
    void validStateBecomesStateWithMillis(Object instance, Object type, Object value, Object timestamp, State expected) {
        ValidationErrors errors = new ValidationErrors();

        State state = validator.validate(3, raw(instance, type, value, timestamp), NOW_MS, errors);

        assertThat(errors.details()).isEmpty();
        assertThat(state).isEqualTo(expected);
    }

    static Stream<Arguments> invalidStates() {
        return Stream.of(
                arguments(MISSING, "ram", 1, NOW_S, "instance", "is required"),
                arguments(null, "ram", 1, NOW_S, "instance", "must be a string, got null"),
                arguments(42, "ram", 1, NOW_S, "instance", "must be a string, got a number"),
                arguments(OBJECT, "ram", 1, NOW_S, "instance", "must be a string, got an object"),
                arguments("", "ram", 1, NOW_S, "instance", "must not be empty"),
                arguments("a".repeat(256), "ram", 1, NOW_S, "instance", "must be at most 255 characters, got 256"),
                arguments("web 1", "ram", 1, NOW_S, "instance", "character U+0020 at position 4 is not allowed"),
                arguments("web-1'; DROP TABLE states;--", "ram", 1, NOW_S, "instance", "character ''' (U+0027) at position 6"),
                arguments("wéb-1", "ram", 1, NOW_S, "instance", "character U+00E9 at position 2"),
                arguments("web-1\u0000", "ram", 1, NOW_S, "instance", "character U+0000 at position 6"),
                arguments("web-1\n", "ram", 1, NOW_S, "instance", "character U+000A at position 6"),
                arguments("../etc/passwd", "ram", 1, NOW_S, "instance", "must not contain '.' or '..' as a path segment"),
                arguments("a/../b", "ram", 1, NOW_S, "instance", "path segment"),
                arguments("a/.", "ram", 1, NOW_S, "instance", "path segment"),
                arguments("..", "ram", 1, NOW_S, "instance", "path segment"),
                arguments("web-1", "ram:used", 1, NOW_S, "type", "character ':' (U+003A) at position 4"),
                arguments("web-1", "r/m", 1, NOW_S, "type", "character '/' (U+002F) at position 2"),
                arguments("web-1", "t".repeat(65), 1, NOW_S, "type", "must be at most 64 characters, got 65"),
                arguments("web-1", true, 1, NOW_S, "type", "must be a string, got a boolean"),
                arguments("web-1", "ram", MISSING, NOW_S, "value", "is required"),
                arguments("web-1", "ram", true, NOW_S, "value", "must be a number or a numeric string, got a boolean"),
                arguments("web-1", "ram", null, NOW_S, "value", "got null"),
                arguments("web-1", "ram", ARRAY, NOW_S, "value", "got an array"),
                arguments("web-1", "ram", Double.NaN, NOW_S, "value", "must be a finite number"),
                arguments("web-1", "ram", Double.POSITIVE_INFINITY, NOW_S, "value", "must be a finite number"),
                arguments("web-1", "ram", Double.NEGATIVE_INFINITY, NOW_S, "value", "must be a finite number"),
                arguments("web-1", "ram", "NaN", NOW_S, "value", "must be a finite number"),
                arguments("web-1", "ram", "Infinity", NOW_S, "value", "must be a finite number"),
                arguments("web-1", "ram", "-Infinity", NOW_S, "value", "must be a finite number"),
                arguments("web-1", "ram", "1e999", NOW_S, "value", "must be a finite number"),
                arguments("web-1", "ram", "0x10", NOW_S, "value", "must be a finite number"),
                arguments("web-1", "ram", "1d", NOW_S, "value", "must be a finite number"),
                arguments("web-1", "ram", "", NOW_S, "value", "must be a finite number"),
                arguments("web-1", "ram", "1e", NOW_S, "value", "must be a finite number"),
                arguments("web-1", "ram", ".", NOW_S, "value", "must be a finite number"),
                arguments("web-1", "ram", "81,5", NOW_S, "value", "must be a finite number"),
                arguments("web-1", "ram", 1, MISSING, "timestamp", "is required"),
                arguments("web-1", "ram", 1, "yesterday", "timestamp", "must be a finite number"),
                arguments("web-1", "ram", 1, "NaN", "timestamp", "must be a finite number"),
                arguments("web-1", "ram", 1, false, "timestamp", "got a boolean"),
                arguments("web-1", "ram", 1, 0, "timestamp", "must be positive epoch seconds"),
                arguments("web-1", "ram", 1, -5, "timestamp", "must be positive epoch seconds"),
                arguments("web-1", "ram", 1, NOW_S + 600.001, "timestamp", "is more than 10m in the future"),
                arguments("web-1", "ram", 1, (double) NOW_MS, "timestamp", "looks like milliseconds"));
    }

    @ParameterizedTest(name = "[{index}] {4}: {5}")
    @MethodSource("invalidStates")
    void invalidStateIsRefusedWithOneErrorNamingTheField(Object instance, Object type, Object value, Object timestamp,
                                                         String field, String message) {
        ValidationErrors errors = new ValidationErrors();

        State state = validator.validate(3, raw(instance, type, value, timestamp), NOW_MS, errors);

        assertThat(state).isNull();
        assertThat(errors.details()).singleElement().satisfies(error -> {
            assertThat(error.index()).isEqualTo(3);
            assertThat(error.field()).isEqualTo(field);
            assertThat(error.message()).contains(message);
        });
    }

    @Test
    void everyBadFieldOfOneStateIsReported() {
        ValidationErrors errors = new ValidationErrors();

        State state = validator.validate(0, raw(MISSING, MISSING, MISSING, MISSING), NOW_MS, errors);

        assertThat(state).isNull();
        assertThat(errors.details()).extracting(FieldError::field)
                .containsExactly("instance", "type", "value", "timestamp");
        assertThat(errors.invalidStates()).isEqualTo(1);
    }

    @Test
    void errorsCountEveryInvalidStateButListOnlyTheFirstHundredProblems() {
        ValidationErrors errors = new ValidationErrors();
        for (int i = 0; i < 150; i++) {
            validator.validate(i, raw("bad id", "ram", "x", NOW_S), NOW_MS, errors);
        }

        assertThat(errors.invalidStates()).isEqualTo(150);
        assertThat(errors.details()).hasSize(ValidationErrors.MAX_DETAILS);
        assertThat(errors.details().get(0)).isEqualTo(new FieldError(0, "instance", errors.details().get(0).message()));
        assertThat(errors.details().get(1).field()).isEqualTo("value");
    }

    private static RawState raw(Object instance, Object type, Object value, Object timestamp) {
        RawState raw = new RawState();
        set(raw.instance, instance);
        set(raw.type, type);
        set(raw.value, value);
        set(raw.timestamp, timestamp);
        return raw;
    }

    private static void set(RawField field, Object v) {
        if (v == MISSING) {
            field.clear();
        } else if (v == OBJECT) {
            field.setOther(RawField.Kind.OBJECT);
        } else if (v == ARRAY) {
            field.setOther(RawField.Kind.ARRAY);
        } else if (v == null) {
            field.setOther(RawField.Kind.NULL);
        } else if (v instanceof String s) {
            field.setString(s);
        } else if (v instanceof Number n) {
            field.setNumber(n.doubleValue());
        } else if (v instanceof Boolean) {
            field.setOther(RawField.Kind.BOOLEAN);
        } else {
            throw new IllegalArgumentException("no JSON kind for " + v);
        }
    }

    @Test
    void parseDecimalReadsOnlyJsonStyleNumbers() {
        assertThat(StateValidator.parseDecimal("81.5")).isEqualTo(81.5);
        assertThat(StateValidator.parseDecimal("-2E3")).isEqualTo(-2000);
        assertThat(StateValidator.parseDecimal("1".repeat(101))).isNaN();
        for (String s : List.of("NaN", "Infinity", "1f", "1_000", "--1", "1e+", "e5", "1.2.3", " ")) {
            assertThat(StateValidator.parseDecimal(s)).as(s).isNaN();
        }
    }
}
