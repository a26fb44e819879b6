package io.scalemanager.agent.ship;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    @ParameterizedTest(name = "attempt {0}, random {1} -> {2} ms")
    @CsvSource({
            "0, 0.0, 500", "0, 1.0, 1000", "1, 0.0, 1000", "3, 0.5, 6000",
            "6, 0.0, 30000", "6, 1.0, 60000", "40, 1.0, 60000", "40, 0.0, 30000"})
    void delayDoublesWithJitterUpToTheMaximum(int attempt, double random, long expectedMillis) {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> random);
        assertThat(b.delay(attempt)).isEqualTo(Duration.ofMillis(expectedMillis));
    }
}
