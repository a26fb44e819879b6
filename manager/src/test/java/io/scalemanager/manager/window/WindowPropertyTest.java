package io.scalemanager.manager.window;

import io.scalemanager.core.condition.ConditionStats;
import io.scalemanager.manager.rules.Aggregate;
import io.scalemanager.manager.rules.Condition;
import io.scalemanager.core.condition.Operator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Random sample sets against a naive model: a sorted list filtered by the same definitions. */
class WindowPropertyTest {
    private static final long SEED = 20_251_125L;

    private record Sample(long ts, double value) {
    }

    @Test
    void queryHeldForShareAndAggregatesEqualANaiveRecomputation() {
        Random random = new Random(SEED);
        for (int round = 0; round < 300; round++) {
            long retentionMs = random.nextInt(4) == 0 ? Long.MAX_VALUE / 4 : random.nextInt(200) * 1000L;
            Window window = new Window(retentionMs);
            List<Sample> added = new ArrayList<>();
            int n = random.nextInt(120);
            long clock = 0;
            for (int i = 0; i < n; i++) {
                clock += random.nextInt(20) * 1000L;
                // Mostly in order, sometimes late, sometimes an exact replay of an earlier sample.
                Sample s = random.nextInt(8) == 0 && !added.isEmpty()
                        ? added.get(random.nextInt(added.size()))
                        : new Sample(random.nextInt(5) == 0 ? clock - random.nextInt(120) * 1000L : clock,
                        random.nextInt(10) * 10.0);
                window.add(s.ts(), s.value());
                added.add(s);
            }
            List<Sample> kept = model(added, retentionMs);
            String label = "round " + round + ", retention " + retentionMs;
            assertThat(contents(window)).as(label).isEqualTo(kept);

            for (int q = 0; q < 20; q++) {
                Condition c = new Condition("x", Operator.values()[random.nextInt(6)], random.nextInt(10) * 10.0);
                long from = random.nextInt((int) (clock / 1000) + 40) * 1000L - 20_000;
                long to = from + random.nextInt(100) * 1000L;
                assertStats(window.query(c, from, to), naiveQuery(kept, c, from, to), label + " query " + c);

                long forMs = random.nextInt(3) == 0 ? 0 : random.nextInt(60) * 1000L;
                long asOf = random.nextInt((int) (clock / 1000) + 40) * 1000L - 20_000;
                assertThat(window.heldFor(c, forMs, asOf))
                        .as("%s heldFor %s %dms as of %d in %s", label, c.describe(), forMs, asOf, kept)
                        .isEqualTo(naiveHeldFor(kept, c, forMs, asOf));

                long maxGap = random.nextInt(4) == 0 ? Window.NO_MAX_GAP : (5 + random.nextInt(40)) * 1000L;
                String gapLabel = String.format("%s for %dms as of %d max gap %d in %s", label, forMs, asOf, maxGap,
                        kept);
                boolean covered = naiveCovered(kept, forMs, asOf, maxGap);
                assertThat(window.heldFor(c, forMs, asOf, maxGap)).as("heldFor %s %s", c.describe(), gapLabel)
                        .isEqualTo(covered && naiveHeldFor(kept, c, forMs, asOf));
                List<Double> in = covered ? inWindow(kept, forMs, asOf) : List.of();
                double share = window.share(c, forMs, asOf, maxGap);
                if (covered) {
                    assertThat(share).as("share %s %s", c.describe(), gapLabel)
                            .isCloseTo(in.stream().filter(c::test).count() / (double) in.size(), within(1e-12));
                } else {
                    assertThat(share).as("share %s %s", c.describe(), gapLabel).isNaN();
                }
                for (Aggregate a : Aggregate.values()) {
                    double actual = window.aggregate(a, forMs, asOf, maxGap);
                    if (covered) {
                        assertThat(actual).as("%s %s", a, gapLabel).isCloseTo(naiveAggregate(a, in), within(1e-9));
                    } else {
                        assertThat(actual).as("%s %s", a, gapLabel).isNaN();
                    }
                }
            }
        }
    }

    private static List<Sample> contents(Window w) {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            out.add(new Sample(w.timestampAt(i), w.valueAt(i)));
        }
        return out;
    }

    /** Distinct samples by time (insertion order among equal times), minus what the retention drops. */
    private static List<Sample> model(List<Sample> added, long retentionMs) {
        List<Sample> distinct = new ArrayList<>();
        for (Sample s : added) {
            if (!distinct.contains(s)) {
                distinct.add(s);
            }
        }
        distinct.sort(Comparator.comparingLong(Sample::ts));
        if (distinct.isEmpty()) {
            return distinct;
        }
        long latest = distinct.get(distinct.size() - 1).ts();
        long cutoff = latest - retentionMs;
        long keepFrom = Long.MIN_VALUE;
        for (Sample s : distinct) {
            if (s.ts() <= cutoff) {
                keepFrom = s.ts();
            }
        }
        long from = keepFrom;
        return new ArrayList<>(distinct.stream().filter(s -> s.ts() >= from).toList());
    }

    private static ConditionStats naiveQuery(List<Sample> samples, Condition c, long from, long to) {
        List<Double> in = samples.stream().filter(s -> s.ts() >= from && s.ts() <= to).map(Sample::value).toList();
        if (in.isEmpty()) {
            return ConditionStats.EMPTY;
        }
        int matched = (int) in.stream().filter(c::test).count();
        int unmatched = in.size() - matched;
        double avg = in.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double min = in.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = in.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return new ConditionStats(matched > 0 && unmatched == 0, matched, unmatched, in.size(), avg, min, max);
    }

    /** The contract, word for word, over the samples at or before asOf. */
    private static boolean naiveHeldFor(List<Sample> samples, Condition c, long forMs, long asOf) {
        List<Sample> considered = samples.stream().filter(s -> s.ts() <= asOf).toList();
        long start = asOf - forMs;
        if (forMs == 0) {
            long latest = considered.stream().mapToLong(Sample::ts).max().orElse(Long.MIN_VALUE);
            return !considered.isEmpty()
                    && considered.stream().filter(s -> s.ts() == latest).allMatch(s -> c.test(s.value()));
        }
        boolean anyInRange = considered.stream().anyMatch(s -> s.ts() >= start);
        boolean allInRangeMatch = considered.stream().filter(s -> s.ts() >= start).allMatch(s -> c.test(s.value()));
        boolean runReachesBack = considered.stream().anyMatch(m -> m.ts() <= start && c.test(m.value())
                && considered.stream().filter(s -> s.ts() >= m.ts()).allMatch(s -> c.test(s.value())));
        return anyInRange && allInRangeMatch && runReachesBack;
    }

    /**
     * The samples cover the window: something at or before asOf, the newest of it within maxGap of asOf and, for
     * a positive for, at or after asOf - for; a sample at or before asOf - for; and no gap above maxGap between
     * consecutive timestamps from that sample to the newest.
     */
    private static boolean naiveCovered(List<Sample> samples, long forMs, long asOf, long maxGap) {
        List<Long> times = samples.stream().map(Sample::ts).filter(t -> t <= asOf).distinct().sorted().toList();
        if (times.isEmpty()) {
            return false;
        }
        long latest = times.get(times.size() - 1);
        long start = asOf - forMs;
        if (asOf - latest > maxGap || (forMs > 0 && latest < start)) {
            return false;
        }
        if (forMs == 0) {
            return true;
        }
        List<Long> reachBack = times.stream().filter(t -> t <= start).toList();
        if (reachBack.isEmpty()) {
            return false;
        }
        long from = reachBack.get(reachBack.size() - 1);
        List<Long> run = times.stream().filter(t -> t >= from).toList();
        for (int i = 1; i < run.size(); i++) {
            if (run.get(i) - run.get(i - 1) > maxGap) {
                return false;
            }
        }
        return true;
    }

    /** Values in [asOf - for, asOf], or at the newest timestamp at or before asOf when for is 0. */
    private static List<Double> inWindow(List<Sample> samples, long forMs, long asOf) {
        long latest = samples.stream().mapToLong(Sample::ts).filter(t -> t <= asOf).max().orElseThrow();
        long from = forMs == 0 ? latest : asOf - forMs;
        return samples.stream().filter(s -> s.ts() >= from && s.ts() <= asOf).map(Sample::value).toList();
    }

    private static double naiveAggregate(Aggregate a, List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return switch (a) {
            case AVG -> values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            case MIN -> sorted.get(0);
            case MAX -> sorted.get(sorted.size() - 1);
            default -> sorted.get((int) Math.ceil(a.percentile() * sorted.size() / 100.0) - 1);
        };
    }

    private static void assertStats(ConditionStats actual, ConditionStats expected, String label) {
        assertThat(actual.held()).as(label).isEqualTo(expected.held());
        assertThat(actual.matched()).as(label).isEqualTo(expected.matched());
        assertThat(actual.unmatched()).as(label).isEqualTo(expected.unmatched());
        assertThat(actual.count()).as(label).isEqualTo(expected.count());
        if (expected.count() == 0) {
            assertThat(actual.avg()).as(label).isNaN();
            assertThat(actual.min()).as(label).isNaN();
            assertThat(actual.max()).as(label).isNaN();
        } else {
            assertThat(actual.avg()).as(label).isCloseTo(expected.avg(), within(1e-9));
            assertThat(actual.min()).as(label).isEqualTo(expected.min());
            assertThat(actual.max()).as(label).isEqualTo(expected.max());
        }
    }
}
