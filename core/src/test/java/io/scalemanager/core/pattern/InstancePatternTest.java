package io.scalemanager.core.pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class InstancePatternTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
            "*, web-1, true",
            "web-*, web-1, true",
            "web-*, web-, true",
            "web-*, db-1, false",
            "web-?, web-1, true",
            "web-?, web-12, false",
            "*-1, web-1, true",
            "*-1, web-12, false",
            "*b*, abc, true",
            "*b*, ac, false",
            "a*b*c, axxbyyc, true",
            "a*b*c, axxbyy, false",
            "a*b*c, abcbc, true",
            "**, x, true",
            "?*, '', false",
            "*?, a, true",
            "10.0.*.5, 10.0.3.5, true",
            "10.0.*.5, 10.0.3.6, false",
            "web-1, web-1, true",
            "web-1, web-10, false",
            "*a*a*b, aaab, true",
            "*a*a*b, aab, true",
            "*a*a*b, ab, false"
    })
    void matchesLikeAShellGlob(String glob, String instance, boolean expected) {
        assertThat(InstancePattern.parse(glob).matches(instance)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "web 1", "web-[12]", "web-{a,b}", "é*"})
    void parseRefusesWhatIsNotAGlobOfInstanceIdCharacters(String text) {
        assertThatThrownBy(() -> InstancePattern.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must be " + InstancePattern.FORM + ", got \"" + text + "\"");
    }

    @Test
    void parseRefusesMoreThan255Characters() {
        assertThat(InstancePattern.parse("a".repeat(255)).text()).hasSize(255);
        assertThatThrownBy(() -> InstancePattern.parse("a".repeat(256))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pathologicalPatternAgainstTheLongestIdFinishesInMilliseconds() {
        InstancePattern p = InstancePattern.parse("*a*a*a*a*a*a*a*a*b");
        String id = "a".repeat(255);
        // A backtracking regex (.*a.*a.*a...b) takes exponential time here; the greedy matcher at most 255 x 18.
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            long start = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                assertThat(p.matches(id)).isFalse();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1000));
        });
        assertThat(p.matches("a".repeat(254) + "b")).isTrue();
    }

    @Test
    void starIsTheSharedAnyPattern() {
        assertThat(InstancePattern.parse("*")).isSameAs(InstancePattern.ANY);
        assertThat(InstancePattern.parse("web-*")).isEqualTo(InstancePattern.parse("web-*"));
    }
}
