package io.scalemanager.manager.window;

import io.scalemanager.core.condition.Operator;
import io.scalemanager.manager.rules.Aggregate;
import io.scalemanager.manager.rules.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Aggregates, shares of matching samples and max_gap over the {@code for} window, by table. Times in seconds. */
class WindowAggregateTest {
    private static final long HOUR_MS = 3_600_000;
    private static final long YEAR_MS = 365L * 24 * HOUR_MS;
    private static final Condition CPU_ABOVE_80 = new Condition("cpu", Operator.GT, 80);
    /** One sample every 30 s from 0 to 300; sorted: 10 20 30 40 50 60 70 80 90 95 100. */
    private static final String ELEVEN = "0:10 30:90 60:20 90:80 120:30 150:70 180:40 210:60 240:50 270:100 300:95";

    private static Window window(String samples) {
        Window w = new Window(2 * YEAR_MS);
        for (String s : samples.trim().split("\\s+")) {
            String[] p = s.split(":");
            w.add(Long.parseLong(p[0]) * 1000, Double.parseDouble(p[1]));
        }
        return w;
    }

    @ParameterizedTest(name = "{0} over {2}s as of {3}s, max gap {4}s = {5}")
    @CsvSource(delimiter = '|', value = {
            "avg | " + ELEVEN + " | 300 | 300 | -1  | 58.636363636363636",
            "min | " + ELEVEN + " | 300 | 300 | -1  | 10",
            "max | " + ELEVEN + " | 300 | 300 | -1  | 100",
            "p50 | " + ELEVEN + " | 300 | 300 | -1  | 60",    // rank ceil(5.5) = 6
            "p90 | " + ELEVEN + " | 300 | 300 | -1  | 95",    // rank ceil(9.9) = 10
            "p95 | " + ELEVEN + " | 300 | 300 | -1  | 100",   // rank ceil(10.45) = 11
            "p99 | " + ELEVEN + " | 300 | 300 | -1  | 100",
            // [30, 300]: the sample at 0 only shows that the samples reach back; sorted 20 .. 100, n = 10
            "avg | " + ELEVEN + " | 270 | 300 | -1  | 63.5",
            "min | " + ELEVEN + " | 270 | 300 | -1  | 20",
            "p50 | " + ELEVEN + " | 270 | 300 | -1  | 60",    // rank 5
            "p90 | " + ELEVEN + " | 270 | 300 | -1  | 95",    // rank 9
            "p99 | " + ELEVEN + " | 270 | 300 | -1  | 100",   // rank ceil(9.9) = 10
            "max | " + ELEVEN + " | 120 | 180 | -1  | 80",    // [60, 180]; later samples are not considered
            "avg | " + ELEVEN + " | 300 | 299 | -1  | NaN",   // the samples do not reach back to -1
            "avg | " + ELEVEN + " | 300 | 900 | -1  | NaN",   // nothing within the last 300 s: stale
            "avg | " + ELEVEN + " | 300 | 300 | 30  | 58.636363636363636",
            "avg | " + ELEVEN + " | 300 | 300 | 29  | NaN",   // every gap is 30 s
            "avg | " + ELEVEN + " | 300 | 340 | 30  | NaN",   // 40 s since the newest sample
            "p50 | 0:10                | 0   | 60  | -1  | 10",    // for 0: the newest sample
    })
    void aggregatesOverTheForWindow(String aggregate, String samples, long forSeconds, long asOf, long maxGap,
                                    double expected) {
        double actual = window(samples).aggregate(Aggregate.parse(aggregate).orElseThrow(), forSeconds * 1000,
                asOf * 1000, maxGap < 0 ? Window.NO_MAX_GAP : maxGap * 1000);
        if (Double.isNaN(expected)) {
            assertThat(actual).isNaN();
        } else {
            assertThat(actual).isCloseTo(expected, within(1e-9));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "9 of 10 match                  | 0:50 30:90 60:90 90:90 120:90 150:90 180:90 210:90 240:90 270:90 | 270 | 0.9",
            "an outlier in the middle       | 0:90 30:90 60:90 90:10 120:90 150:90 180:90 210:90 240:90 270:90 | 270 | 0.9",
            "reach-back sample not counted  | -10:10 0:90 30:90 60:90 90:90 120:90 150:90 180:90 210:90 270:90 | 270 | 1.0",
            "half                           | 0:90 30:10 60:90 90:10 | 90 | 0.5",
            "none                           | 0:10 30:10 | 30 | 0",
    })
    void shareCountsTheSamplesInTheWindow(String name, String samples, long forSeconds, double expected) {
        long asOf = Long.parseLong(samples.trim().replaceAll(".* ", "").split(":")[0]);
        assertThat(window(samples).share(CPU_ABOVE_80, forSeconds * 1000, asOf * 1000, 60_000))
                .isCloseTo(expected, within(1e-12));
    }

    @Test
    void shareIsNaNWhenTheSamplesDoNotReachBack() {
        assertThat(window("30:90 60:90 90:90").share(CPU_ABOVE_80, 90_000, 90_000, 60_000)).isNaN();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "steady samples                    | 0:90 60:90 120:90 180:90 240:90 300:90 | 300 | 120 | true",
            "a 3-minute silence breaks the run | 0:90 60:90 240:90 300:90               | 300 | 120 | false",
            "the same silence without max gap  | 0:90 60:90 240:90 300:90               | 300 | -1  | true",
            "reach-back sample too old         | -200:90 60:90 120:90 180:90 240:90 300:90 | 300 | 120 | false",
            "silence since the newest sample   | 0:90 60:90 120:90 180:90 240:90 300:90 | 300 | 120 | true",
            "a gap exactly max gap is fine     | 0:90 120:90 240:90 300:90              | 300 | 120 | true",
    })
    void gapsLongerThanMaxGapBreakARun(String name, String samples, long forSeconds, long maxGap, boolean held) {
        assertThat(window(samples).heldFor(CPU_ABOVE_80, forSeconds * 1000, 300_000,
                maxGap < 0 ? Window.NO_MAX_GAP : maxGap * 1000)).isEqualTo(held);
    }

    @Test
    void aStaleMomentIsNotHeld() {
        Window w = window("0:90 60:90 120:90 180:90 240:90 300:90");
        assertThat(w.heldFor(CPU_ABOVE_80, 300_000, 420_000, 120_000)).isTrue();
        assertThat(w.heldFor(CPU_ABOVE_80, 300_000, 421_000, 120_000)).isFalse();
    }

    /** The report that led to max_gap: a year-old sample let a 5-minute rule fire after 3m42s of fresh samples. */
    @Test
    void aYearOldSampleDoesNotStandForTheRun() {
        Window w = new Window(6 * 60_000);
        long now = 2 * YEAR_MS;
        w.add(now - YEAR_MS, 95);
        long firstFresh = now;
        long t = firstFresh;
        for (; t < firstFresh + 222_000; t += 6_000) {
            w.add(t, 95);
            assertThat(w.heldFor(CPU_ABOVE_80, 300_000, t, 120_000)).as("at %d s", (t - firstFresh) / 1000).isFalse();
            assertThat(w.heldFor(CPU_ABOVE_80, 300_000, t)).as("without max gap at %d s", (t - firstFresh) / 1000)
                    .isEqualTo(true);
        }
        for (; t <= firstFresh + 300_000; t += 6_000) {
            w.add(t, 95);
        }
        assertThat(w.heldFor(CPU_ABOVE_80, 300_000, firstFresh + 300_000, 120_000)).isTrue();
    }
}
