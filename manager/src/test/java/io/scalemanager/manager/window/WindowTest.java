package io.scalemanager.manager.window;

import io.scalemanager.core.condition.ConditionStats;
import io.scalemanager.manager.rules.Condition;
import io.scalemanager.core.condition.Operator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WindowTest {
    private static final Condition ABOVE_80 = new Condition("ram", Operator.GT, 80);
    private static final long HOUR_MS = 3_600_000;

    /** Samples written as "seconds:value" separated by blanks, added in the order written. */
    private static Window window(long retentionMs, String samples) {
        Window w = new Window(retentionMs);
        if (!samples.isBlank()) {
            for (String s : samples.trim().split("\\s+")) {
                String[] p = s.split(":");
                w.add(Long.parseLong(p[0]) * 1000, Double.parseDouble(p[1]));
            }
        }
        return w;
    }

    private static List<String> contents(Window w) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            out.add(w.timestampAt(i) / 1000 + ":" + (long) w.valueAt(i));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "run starts exactly at the boundary      | 0:90 60:90 120:90 180:90 240:90 300:90 | 300 | 300 | true",
            "run starts before the boundary          | -5:90 55:90 115:90 175:90 235:90 295:90 | 300 | 300 | true",
            "samples do not reach back               | 10:90 70:90 130:90 190:90 250:90 300:90 | 300 | 300 | false",
            "one failing sample in the middle        | 0:90 60:90 120:10 180:90 240:90 300:90  | 300 | 300 | false",
            "failing sample before the run is fine   | -60:10 0:90 60:90 120:90 240:90 300:90  | 300 | 300 | true",
            "newest sample before boundary fails     | -10:10 10:90 70:90 130:90 250:90 300:90 | 300 | 300 | false",
            "latest sample fails                     | 0:90 60:90 120:90 180:90 240:90 300:10  | 300 | 300 | false",
            "gap inside the run does not break it    | -600:90 300:90                          | 300 | 300 | true",
            "no sample within d is stale             | -600:90                                 | 300 | 300 | false",
            "sample at asOf - d alone counts         | 0:90                                    | 300 | 300 | true",
            "samples after asOf are ignored          | 0:90 60:90 120:90 180:90 240:90 300:90 360:10 | 300 | 300 | true",
            "later failing sample breaks it          | 0:90 60:90 120:90 180:90 240:90 300:90 360:10 | 300 | 360 | false",
            "asOf between samples                    | 0:90 60:90 120:90 180:90 240:90 300:90  | 280 | 290 | true",
            "empty window                            | ''                                      | 300 | 300 | false",
            "d = 0: latest matches                   | 0:10 60:90                              | 0   | 60  | true",
            "d = 0: latest at or before asOf fails   | 0:10 60:90                              | 0   | 30  | false",
            "d = 0: nothing at or before asOf        | 0:90                                    | 0   | -1  | false",
            "d = 0: old sample still counts          | 0:90                                    | 0   | 900 | true",
            "tie at boundary with a failing sample   | 0:90 0:10 300:90                        | 300 | 300 | false",
            "tie at boundary, failing added first    | 0:10 0:90 300:90                        | 300 | 300 | false",
            "tie at asOf with d = 0                  | 60:90 60:10                             | 0   | 60  | false",
            "out-of-order inserts read in time order | 300:90 0:90 180:90 60:90 240:90 120:90  | 300 | 300 | true",
            "out-of-order failing sample in the run  | 0:90 60:90 180:90 240:90 300:90 120:10  | 300 | 300 | false",
    })
    void heldForFollowsTheContract(String title, String samples, long forSeconds, long asOfSeconds,
                                   boolean expected) {
        Window w = window(HOUR_MS, samples);

        assertThat(w.heldFor(ABOVE_80, Duration.ofSeconds(forSeconds), asOfSeconds * 1000)).as(title)
                .isEqualTo(expected);
    }

    @Test
    void outOfOrderSamplesAreInsertedInPlace() {
        Window w = window(HOUR_MS, "60:1 180:3 120:2 0:0 240:4 150:5");

        assertThat(contents(w)).containsExactly("0:0", "60:1", "120:2", "150:5", "180:3", "240:4");
        assertThat(w.latestTimestamp()).isEqualTo(240_000);
        assertThat(w.latestValue()).isEqualTo(4);
    }

    @Test
    void identicalSampleIsIgnoredSoReplaysAreIdempotent() {
        Window w = window(HOUR_MS, "0:90 60:90 120:10");

        assertThat(w.add(60_000, 90)).isFalse();
        assertThat(w.add(120_000, 10)).isFalse();
        assertThat(w.size()).isEqualTo(3);
        assertThat(w.add(60_000, 91)).as("same time, other value").isTrue();
        assertThat(contents(w)).containsExactly("0:90", "60:90", "60:91", "120:10");
    }

    @Test
    void trimmingKeepsTheRetentionAndTheNewestSampleBeforeIt() {
        Window w = new Window(Duration.ofSeconds(300));
        for (long t = 0; t <= 1190; t += 70) {
            w.add(t * 1000, 90);
        }

        // Cutoff 1190 - 300 = 890: 840 is the newest sample at or before it and stays.
        assertThat(contents(w)).containsExactly("840:90", "910:90", "980:90", "1050:90", "1120:90", "1190:90");
        assertThat(w.heldFor(ABOVE_80, Duration.ofSeconds(300), 1_190_000)).isTrue();
    }

    @Test
    void sampleOlderThanTheRetentionNeedsIsNotKept() {
        Window w = window(300_000, "0:90 70:90 140:90 210:90 280:90 350:90 420:90");

        assertThat(w.timestampAt(0)).isEqualTo(70_000);
        assertThat(w.add(10_000, 90)).isFalse();
        assertThat(w.add(100_000, 10)).as("the newest sample before the cutoff is kept").isTrue();
        assertThat(w.timestampAt(0)).isEqualTo(100_000);
        assertThat(w.heldFor(ABOVE_80, Duration.ofSeconds(300), 420_000)).isFalse();
    }

    @Test
    void zeroRetentionKeepsOnlyTheLatestTimestamp() {
        Window w = window(0, "0:1 10:2 20:3 20:4");

        assertThat(contents(w)).containsExactly("20:3", "20:4");
    }

    @Test
    void growsAndShrinksWithoutLosingOrder() {
        Window w = new Window(Duration.ofSeconds(1000));
        for (long t = 0; t < 5000; t++) {
            w.add(t * 1000, t);
        }
        assertThat(w.size()).isEqualTo(1001);

        for (long t = 5000; t < 1_000_000; t += 1000) {
            w.add(t * 1000, t);
        }
        assertThat(contents(w)).hasSize(2).first().isEqualTo("998000:998000");
    }

    @Test
    void emptyWindowHasNoLatest() {
        Window w = new Window(Duration.ofMinutes(1));

        assertThat(w.isEmpty()).isTrue();
        assertThat(w.latestTimestamp()).isEqualTo(Long.MIN_VALUE);
        assertThat(w.latestValue()).isNaN();
        assertThat(w.query(ABOVE_80, 0, Long.MAX_VALUE)).isEqualTo(ConditionStats.EMPTY);
    }

    @ParameterizedTest(name = "[{1}, {2}] of {0}")
    @CsvSource(delimiter = '|', value = {
            // samples                   | from | to  | held  | matched | unmatched | count | avg  | min | max
            "0:90 60:85 120:95           | 0    | 120 | true  | 3       | 0         | 3     | 90   | 85  | 95",
            "0:90 60:70 120:95           | 0    | 120 | false | 2       | 1         | 3     | 85   | 70  | 95",
            "0:90 60:70 120:95           | 61   | 120 | true  | 1       | 0         | 1     | 95   | 95  | 95",
            "0:10 60:20                  | 0    | 60  | false | 0       | 2         | 2     | 15   | 10  | 20",
            "0:90 60:85 120:95           | 60   | 60  | true  | 1       | 0         | 1     | 85   | 85  | 85",
            "0:90 60:85 120:95 180:10    | -10  | 179 | true  | 3       | 0         | 3     | 90   | 85  | 95",
            "0:90 0:70                   | 0    | 0   | false | 1       | 1         | 2     | 80   | 70  | 90",
    })
    void queryCountsMatchesOverAnInclusiveRange(String samples, long from, long to, boolean held, int matched,
                                               int unmatched, int count, double avg, double min, double max) {
        Window w = window(HOUR_MS, samples);

        assertThat(w.query(ABOVE_80, from * 1000, to * 1000))
                .isEqualTo(new ConditionStats(held, matched, unmatched, count, avg, min, max));
    }

    @Test
    void queryOverNoSamplesIsNotHeldAndHasNaNStats() {
        ConditionStats stats = window(HOUR_MS, "0:90 120:95").query(ABOVE_80, 1000, 119_000);

        assertThat(stats.held()).isFalse();
        assertThat(stats.count()).isZero();
        assertThat(stats.avg()).isNaN();
        assertThat(stats.min()).isNaN();
        assertThat(stats.max()).isNaN();
    }
}
