package io.scalemanager.core.state;

import io.scalemanager.core.time.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventSequenceTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void encodesArrivalTimeAndWriter() {
        EventSequence sequence = new EventSequence(new MutableClock(NOW), 0, 5);
        long seq = sequence.next();
        assertThat(EventSequence.arrivalMs(seq)).isEqualTo(NOW.toEpochMilli());
        assertThat(seq % EventSequence.WRITERS).isEqualTo(5);
        assertThat(seq).isGreaterThanOrEqualTo(EventSequence.firstAt(NOW.toEpochMilli()));
        assertThat(seq).isLessThan(EventSequence.firstAt(NOW.toEpochMilli() + 1));
    }

    @Test
    void strictlyIncreasesWithinOneMillisecond() {
        EventSequence sequence = new EventSequence(new MutableClock(NOW), 0, 3);
        long previous = 0;
        for (int i = 0; i < 5000; i++) {
            long seq = sequence.next();
            assertThat(seq).isGreaterThan(previous);
            assertThat(seq % EventSequence.WRITERS).isEqualTo(3);
            previous = seq;
        }
    }

    @Test
    void writersSharingALogNeverCollideAndStartAboveTheHighestStored() {
        MutableClock clock = new MutableClock(NOW);
        long stored = EventSequence.firstAt(NOW.toEpochMilli()) + 10 * EventSequence.WRITERS + 40;
        EventSequence a = new EventSequence(clock, stored, 2);
        EventSequence b = new EventSequence(clock, stored, 63);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            long x = a.next();
            long y = b.next();
            assertThat(x).isGreaterThan(stored);
            assertThat(y).isGreaterThan(stored);
            assertThat(seen.add(x)).isTrue();
            assertThat(seen.add(y)).isTrue();
        }
    }

    @Test
    void aClockStepBackDoesNotGoBackwards() {
        MutableClock clock = new MutableClock(NOW);
        EventSequence sequence = new EventSequence(clock, 0, 0);
        long before = sequence.next();
        clock.advance(java.time.Duration.ofSeconds(-5));
        assertThat(sequence.next()).isGreaterThan(before);
    }

    @Test
    void refusesAWriterIdOutOfRange() {
        assertThatThrownBy(() -> new EventSequence(new MutableClock(NOW), 0, 64))
                .hasMessageContaining("writer id must be 0–63");
    }
}
