package io.scalemanager.retry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {
    private static final Backoff ONE_SECOND_TO_A_MINUTE = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

    @ParameterizedTest(name = "attempt {0} waits {1} ms")
    @CsvSource({"0, 1000", "1, 2000", "2, 4000", "5, 32000", "6, 60000", "7, 60000", "61, 60000", "62, 60000",
            "2147483647, 60000"})
    void delayDoublesFromTheFirstWaitUpToTheMaximum(int attempt, long expectedMillis) {
        assertThat(ONE_SECOND_TO_A_MINUTE.delay(attempt)).isEqualTo(Duration.ofMillis(expectedMillis));
    }

    @Test
    void aMaximumNearLongRangeDoesNotOverflow() {
        Backoff wide = new Backoff(Duration.ofMillis(3), Duration.ofMillis(Long.MAX_VALUE));
        assertThat(wide.delay(60)).isEqualTo(Duration.ofMillis(3L << 60));
        assertThat(wide.delay(61)).isEqualTo(Duration.ofMillis(3L << 61));
        assertThat(wide.delay(62)).isEqualTo(Duration.ofMillis(Long.MAX_VALUE));
        assertThat(wide.delay(100)).isEqualTo(Duration.ofMillis(Long.MAX_VALUE));
    }

    @Test
    void firstEqualToMaxNeverGrows() {
        Backoff flat = new Backoff(Duration.ofMillis(500), Duration.ofMillis(500));
        assertThat(flat.delay(0)).isEqualTo(flat.delay(30)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void firstLongerThanMaxWaitsMax() {
        Backoff capped = new Backoff(Duration.ofMinutes(1), Duration.ofSeconds(30));
        assertThat(capped.delay(0)).isEqualTo(capped.delay(5)).isEqualTo(Duration.ofSeconds(30));
    }

    @ParameterizedTest(name = "attempt {0}, random {1} -> {2} ms")
    @CsvSource({
            "0, 0.0, 500", "0, 1.0, 1000", "1, 0.0, 1000", "3, 0.5, 6000",
            "6, 0.0, 30000", "6, 1.0, 60000", "40, 1.0, 60000", "40, 0.0, 30000"})
    void jitterWaitsBetweenHalfAndAllOfTheDelay(int attempt, double random, long expectedMillis) {
        assertThat(ONE_SECOND_TO_A_MINUTE.jittered(attempt, () -> random)).isEqualTo(Duration.ofMillis(expectedMillis));
    }

    @Test
    void nonsenseIsRefusedWithTheValue() {
        assertThatThrownBy(() -> new Backoff(Duration.ofMillis(-1), Duration.ofSeconds(1)))
                .hasMessageContaining("got first PT-0.001S, max PT1S");
        assertThatThrownBy(() -> ONE_SECOND_TO_A_MINUTE.delay(-1)).hasMessageContaining("got -1");
    }
}
