package io.scalemanager.collector;

import io.scalemanager.core.time.MutableClock;
import io.scalemanager.core.state.State;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InstanceRateLimiterTest {
    private final MutableClock clock = new MutableClock(Instant.ofEpochSecond(1_764_067_200));
    private final InstanceRateLimiter limiter = new InstanceRateLimiter(10, 100, clock);

    @Test
    void burstIsAllowedAtOnceAndTheNextStateIsRefused() {
        assertThat(limiter.tryAcquire(states("web-1", 100))).isEmpty();

        assertThat(limiter.tryAcquire(states("web-1", 1))).hasValueSatisfying(r -> {
            assertThat(r.instance()).isEqualTo("web-1");
            assertThat(r.requested()).isEqualTo(1);
            assertThat(r.available()).isZero();
            assertThat(r.retryAfterSeconds()).isEqualTo(1);
        });
    }

    @Test
    void tokensRefillAtTheRate() {
        limiter.tryAcquire(states("web-1", 100));
        clock.advance(Duration.ofSeconds(3));

        assertThat(limiter.tryAcquire(states("web-1", 31))).hasValueSatisfying(r -> {
            assertThat(r.available()).isEqualTo(30);
            assertThat(r.retryAfterSeconds()).isEqualTo(1);
        });
        assertThat(limiter.tryAcquire(states("web-1", 30))).isEmpty();
    }

    @Test
    void retryAfterSaysWhenEnoughTokensWillBeBack() {
        limiter.tryAcquire(states("web-1", 100));

        assertThat(limiter.tryAcquire(states("web-1", 45))).hasValueSatisfying(r ->
                assertThat(r.retryAfterSeconds()).isEqualTo(5));
    }

    @Test
    void instancesHaveSeparateBuckets() {
        limiter.tryAcquire(states("web-1", 100));

        assertThat(limiter.tryAcquire(states("web-2", 100))).isEmpty();
    }

    @Test
    void refusedBatchTakesNothingFromTheOtherInstancesInIt() {
        limiter.tryAcquire(states("web-2", 95));
        List<State> batch = new ArrayList<>(states("web-1", 60));
        batch.addAll(states("web-2", 10));
        batch.addAll(states("web-3", 1));

        assertThat(limiter.tryAcquire(batch)).hasValueSatisfying(r -> assertThat(r.instance()).isEqualTo("web-2"));

        assertThat(limiter.tryAcquire(states("web-1", 100))).isEmpty();
        assertThat(limiter.tryAcquire(states("web-2", 5))).isEmpty();
        assertThat(limiter.tryAcquire(states("web-3", 100))).isEmpty();
    }

    @Test
    void mixedBatchTakesFromEachInstance() {
        List<State> batch = new ArrayList<>(states("web-1", 40));
        batch.addAll(states("web-2", 70));

        assertThat(limiter.tryAcquire(batch)).isEmpty();

        assertThat(limiter.tryAcquire(states("web-1", 61))).isPresent();
        assertThat(limiter.tryAcquire(states("web-2", 31))).isPresent();
    }

    @Test
    void moreThanTheBurstIsNeverAllowed() {
        assertThat(limiter.tryAcquire(states("web-1", 101))).hasValueSatisfying(r -> {
            assertThat(r.requested()).isGreaterThan(r.burst());
            assertThat(r.available()).isEqualTo(100);
        });
    }

    @Test
    void idleInstancesAreForgottenSoMemoryStaysBounded() {
        InstanceRateLimiter small = new InstanceRateLimiter(10, 100, clock, 50);
        for (int i = 0; i < 500; i++) {
            small.tryAcquire(states("vm-" + i, 100));
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(small.trackedInstances()).isLessThanOrEqualTo(50);
    }

    @Test
    void activeInstancesBeyondTheCapAreStillBounded() {
        InstanceRateLimiter small = new InstanceRateLimiter(10, 100, clock, 50);
        for (int i = 0; i < 500; i++) {
            small.tryAcquire(states("vm-" + i, 100));
        }

        assertThat(small.trackedInstances()).isLessThanOrEqualTo(50);
    }

    @Test
    void idleBucketsAreSweptOnceAMinuteWithoutWaitingForTheCap() {
        for (int i = 0; i < 20; i++) {
            limiter.tryAcquire(states("vm-" + i, 1));
        }
        assertThat(limiter.trackedInstances()).isEqualTo(20);
        clock.advance(Duration.ofMinutes(1));

        limiter.tryAcquire(states("vm-new", 1));

        assertThat(limiter.trackedInstances()).isEqualTo(1);
    }

    private static List<State> states(String instance, int n) {
        List<State> states = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            states.add(new State(instance, "ram", i, 1_764_067_200_000L + i));
        }
        return states;
    }
}
