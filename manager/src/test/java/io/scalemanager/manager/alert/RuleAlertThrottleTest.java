package io.scalemanager.manager.alert;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RuleAlertThrottleTest {
    private static final long QUIET = 600_000;

    private final RuleAlertThrottle throttle = new RuleAlertThrottle();

    @Test
    void firstAlertIsRaised() {
        assertThat(throttle.tryRaise("web-1", "load-alert", 1_000, QUIET)).isTrue();
    }

    @Test
    void sameAlertStaysQuietForTheRulesCooldown() {
        throttle.tryRaise("web-1", "load-alert", 1_000, QUIET);

        assertThat(throttle.tryRaise("web-1", "load-alert", 1_000, QUIET)).isFalse();
        assertThat(throttle.tryRaise("web-1", "load-alert", 1_000 + QUIET - 1, QUIET)).isFalse();
        assertThat(throttle.tryRaise("web-1", "load-alert", 1_000 + QUIET, QUIET)).isTrue();
        assertThat(throttle.tryRaise("web-1", "load-alert", 1_000 + QUIET + 1, QUIET)).isFalse();
    }

    @Test
    void quietRequestsDoNotExtendTheQuietPeriod() {
        throttle.tryRaise("web-1", "load-alert", 0, QUIET);
        throttle.tryRaise("web-1", "load-alert", QUIET / 2, QUIET);

        assertThat(throttle.tryRaise("web-1", "load-alert", QUIET, QUIET)).isTrue();
    }

    @Test
    void otherInstancesAndRulesAreThrottledSeparately() {
        throttle.tryRaise("web-1", "load-alert", 0, QUIET);

        assertThat(throttle.tryRaise("web-2", "load-alert", 0, QUIET)).isTrue();
        assertThat(throttle.tryRaise("web-1", "disk-alert", 0, QUIET)).isTrue();
        assertThat(throttle.tryRaise("web-1", "load-alert", 0, QUIET)).isFalse();
    }

    @Test
    void zeroCooldownRaisesEveryTime() {
        assertThat(throttle.tryRaise("web-1", "load-alert", 0, 0)).isTrue();
        assertThat(throttle.tryRaise("web-1", "load-alert", 0, 0)).isTrue();
    }

    @Test
    void concurrentCallersRaiseTheAlertOnce() throws Exception {
        int threads = 8;
        CyclicBarrier barrier = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 50; round++) {
                String instance = "web-" + round;
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    results.add(pool.submit(() -> {
                        barrier.await(10, TimeUnit.SECONDS);
                        return throttle.tryRaise(instance, "load-alert", 0, QUIET);
                    }));
                }
                int raised = 0;
                for (Future<Boolean> r : results) {
                    raised += r.get(10, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(raised).as(instance).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
