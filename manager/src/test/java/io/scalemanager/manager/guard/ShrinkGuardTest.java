package io.scalemanager.manager.guard;

import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.time.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The guard's projections, one per component, from a history given as values per type. */
class ShrinkGuardTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
    private final Map<String, double[]> history = new HashMap<>();
    private final Map<String, long[]> asked = new HashMap<>();
    private final ShrinkGuard guard = new ShrinkGuard((instance, type, from, to) -> {
        asked.put(type, new long[] {from, to});
        return history.getOrDefault(type, new double[0]);
    }, Duration.ofHours(24), 85, rule -> true, clock);

    @Test
    void ramIsProjectedFromUsedMegabytesOverTheWholeWindow() {
        history.put("ram_used_mb", new double[] {1000, 2000, 2765});
        assertThat(guard.projected("vm", Component.RAM, 4096, 3072)).hasValueSatisfying(p ->
                assertThat(p).isCloseTo(90.0, org.assertj.core.data.Offset.offset(0.05)));
        assertThat(asked.get("ram_used_mb")).containsExactly(clock.millis() - 86_400_000L, clock.millis());
    }

    @Test
    void cpuIsProjectedFromPercentTimesCoresOverNewCores() {
        history.put("cpu", new double[] {20, 40, 40});
        assertThat(guard.projected("vm", Component.CPU, 4, 2)).contains(80.0);
        assertThat(guard.projected("vm", Component.CPU, 4, 1)).contains(160.0);
    }

    @Test
    void withoutAbsoluteUseRamAndStorageFallBackToPercentOfTheOldSize() {
        history.put("storage", new double[] {50});
        assertThat(guard.projected("vm", Component.STORAGE, 100, 50)).contains(100.0);
        history.put("storage_used_gb", new double[] {30});
        assertThat(guard.projected("vm", Component.STORAGE, 100, 50)).contains(60.0);
    }

    @Test
    void noHistoryProjectsNothing() {
        assertThat(guard.projected("vm", Component.RAM, 4096, 2048)).isEmpty();
    }

    @Test
    void p99IsTheNearestRank() {
        double[] values = new double[200];
        for (int i = 0; i < values.length; i++) {
            values[i] = i + 1;
        }
        assertThat(ShrinkGuard.p99(values)).contains(198.0);
        assertThat(ShrinkGuard.p99(new double[] {7})).contains(7.0);
        assertThat(ShrinkGuard.p99(new double[0])).isEqualTo(Optional.empty());
    }
}
