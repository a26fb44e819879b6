package io.scalemanager.agent.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ProcParsersTest {
    @Test
    void cpuIsBusyShareOfAllJiffiesWithIdleAndIowaitIdle() {
        ProcParsers.CpuTimes t0 = ProcParsers.cpuTimes(
                "cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 50 0 50 350 50 0 0 0 0 0\nintr 1\n");
        // +150 user, +50 system, +150 idle, +50 iowait, +100 steal: busy 300 of 500
        ProcParsers.CpuTimes t1 = ProcParsers.cpuTimes(
                "cpu  250 0 150 850 150 0 0 100 30 0\ncpu0 1 1 1 1 1 0 0 0 0 0\n");
        assertThat(t1.busyPercentSince(t0)).isCloseTo(60.0, within(1e-9));
        assertThat(t0.busyPercentSince(t0)).isZero();
    }

    @Test
    void loadAveragesAreTheFirstThreeFields() {
        assertThat(ProcParsers.loadAverages("1.21 2.05 1.79 1/90 21849\n")).containsExactly(1.21, 2.05, 1.79);
    }

    @Test
    void ramUsedIsTotalMinusAvailable() {
        Map<String, Double> out = new LinkedHashMap<>();
        ProcParsers.memory("MemTotal:        4096000 kB\nMemFree:  100 kB\nMemAvailable:    1024000 kB\n", out);
        assertThat(out.get("ram")).isCloseTo(75.0, within(1e-9));
        assertThat(out.get("ram_used_mb")).isCloseTo(3000.0, within(1e-9));
        assertThat(out.get("ram_total_mb")).isCloseTo(4000.0, within(1e-9));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0|1", "0-1|2", "0-3,6,8-9|7", "0-63|64"})
    void onlineCpusCountsRanges(String ranges, int expected) {
        assertThat(ProcParsers.onlineCpus(ranges + "\n")).isEqualTo(expected);
    }
}
