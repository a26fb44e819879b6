package io.scalemanager.core.sizing;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeTest {
    private static final Size CURRENT = new Size(2, 4096, 50);

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource({
            "CPU, REL, 1, 3",
            "CPU, REL, -1, 1",
            "CPU, REL, -5, 0",
            "CPU, ABS, 8, 8",
            "RAM, REL, 1024, 5120",
            "RAM, PERCENT, 50, 6144",
            "RAM, PERCENT, -25, 3072",
            "CPU, PERCENT, 10, 3",
            "CPU, PERCENT, -10, 1",
            "STORAGE, PERCENT, 0, 50",
            "STORAGE, ABS, 100, 100",
    })
    void targetIsComputedFromCurrentSize(Component component, ChangeMode mode, double value, long expected) {
        assertThat(new Change(component, mode, value).target(CURRENT)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} within [{1}, {2}] -> {3}")
    @CsvSource({
            "16, 1, 8, 8",
            "0, 1, 8, 1",
            "4, 1, 8, 4",
    })
    void targetClampedByBoundsStaysWithinThem(double abs, long min, long max, long expected) {
        Change change = new Change(Component.CPU, ChangeMode.ABS, abs);
        assertThat(new Bounds(min, max).clamp(change.target(CURRENT))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
            "RAM, REL, 1024, ram +1024",
            "CPU, REL, -1, cpu -1",
            "STORAGE, PERCENT, 10, storage +10%",
            "CPU, ABS, 4, cpu =4",
    })
    void describesItselfAsWrittenInRules(Component component, ChangeMode mode, double value, String text) {
        assertThat(new Change(component, mode, value).describe()).isEqualTo(text);
    }
}
