package io.scalemanager.history.jdbc;

import io.scalemanager.core.condition.Operator;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.state.State;
import io.scalemanager.history.Sample;
import io.scalemanager.history.SampleStep;
import io.scalemanager.core.condition.ConditionStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/** The suite runs against every supported database: see JdbcEventLogOnH2Test and JdbcEventLogOnMariaDbTest. */
abstract class JdbcEventLogTest {

    /** Opens the database of the directory: the same directory opens the same database again. */
    protected abstract Database openDatabase(Path dir);

    private static final long T0 = 1_764_067_200_000L;

    @TempDir
    Path dir;
    private Database db;

    protected Database db() {
        return db;
    }
    private JdbcEventLog log;

    @BeforeEach
    void open() {
        db = openDatabase(dir);
        log = new JdbcEventLog(db.dataSource());
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static Event event(long seq, String instance, String type, double value, long tsMs) {
        return new Event(seq, new State(instance, type, value, tsMs));
    }

    private List<Event> scanAll() {
        List<Event> all = new ArrayList<>();
        log.scan(0, Long.MAX_VALUE, all::add);
        return all;
    }

    // --- append ---

    @Test
    void appendedEventsAreReadBackExactly() {
        List<Event> events = List.of(
                event(10, "web-1", "ram", 81.5, T0),
                event(11, "db/eu:1@host", "load", -0.25, T0 + 123));

        log.append(events);

        assertThat(scanAll()).containsExactlyElementsOf(events);
    }

    @Test
    void batchWithDuplicateSeqStoresNothing() {
        assertThatThrownBy(() -> log.append(List.of(
                event(1, "web-1", "ram", 1, T0),
                event(2, "web-1", "ram", 2, T0 + 1000),
                event(2, "web-1", "ram", 3, T0 + 2000))))
                .isInstanceOf(DatabaseException.class);

        assertThat(scanAll()).isEmpty();
        assertThat(log.lastSeq()).isZero();
    }

    @Test
    void batchCollidingWithAStoredSeqStoresNothingAndKeepsWhatWasThere() {
        Event stored = event(5, "web-1", "ram", 1, T0);
        log.append(List.of(stored));

        assertThatThrownBy(() -> log.append(List.of(
                event(6, "web-1", "ram", 2, T0 + 1000),
                event(5, "web-1", "ram", 99, T0 + 2000))))
                .isInstanceOf(DatabaseException.class);

        assertThat(scanAll()).containsExactly(stored);
    }

    @Test
    void emptyBatchIsAccepted() {
        log.append(List.of());

        assertThat(scanAll()).isEmpty();
    }

    // --- samples ---

    @Test
    void samplesAreOrderedByTimestampWithinTheInclusiveWindowOfOneInstanceAndType() {
        // Arrival order (seq) differs from measurement order (ts) on purpose.
        log.append(List.of(
                event(1, "web-1", "ram", 30, T0 + 3000),
                event(2, "web-1", "ram", 10, T0 + 1000),
                event(3, "web-1", "ram", 0, T0 - 1),         // before the window
                event(4, "web-1", "ram", 40, T0 + 4000),     // at 'to'
                event(5, "web-1", "ram", 99, T0 + 4001),     // after the window
                event(6, "web-1", "cpu", 77, T0 + 2000),     // other type
                event(7, "web-10", "ram", 66, T0 + 2000),    // other instance
                event(8, "web-1", "ram", 20, T0 + 2000),
                event(9, "web-1", "ram", 5, T0)));           // at 'from'

        List<Sample> samples = log.samples("web-1", "ram", T0, T0 + 4000, 100);

        assertThat(samples).containsExactly(
                new Sample(T0, 5), new Sample(T0 + 1000, 10), new Sample(T0 + 2000, 20),
                new Sample(T0 + 3000, 30), new Sample(T0 + 4000, 40));
    }

    @Test
    void samplesStopAtTheLimitKeepingTheOldest() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            events.add(event(100 - i, "web-1", "ram", i, T0 + (9 - i) * 1000L));
        }
        log.append(events);

        List<Sample> samples = log.samples("web-1", "ram", T0, T0 + 60_000, 3);

        assertThat(samples).containsExactly(new Sample(T0, 9), new Sample(T0 + 1000, 8), new Sample(T0 + 2000, 7));
    }

    @Test
    void samplesOfAnUnknownInstanceAreEmpty() {
        log.append(List.of(event(1, "web-1", "ram", 1, T0)));

        assertThat(log.samples("web-2", "ram", 0, Long.MAX_VALUE, 10)).isEmpty();
    }

    // --- steps ---

    @Test
    void stepsHoldCountAverageMinimumAndMaximumOfTheSamplesInEachStep() {
        log.append(List.of(
                event(1, "web-1", "cpu", 10, T0),              // at 'from': step 0
                event(2, "web-1", "cpu", 90, T0 + 9_999),      // last moment of step 0
                event(3, "web-1", "cpu", 20, T0 + 10_000),     // first moment of step 1
                event(4, "web-1", "cpu", 99, T0 + 35_000),     // step 3; step 2 has no samples
                event(5, "web-1", "cpu", 1, T0 + 40_000),      // at 'to': step 4
                event(6, "web-1", "cpu", 1, T0 + 40_001),      // after the window
                event(7, "web-1", "cpu", 1, T0 - 1),           // before the window
                event(8, "web-1", "ram", 50, T0 + 1000),       // other type
                event(9, "web-11", "cpu", 50, T0 + 1000)));    // other instance

        List<SampleStep> steps = log.steps("web-1", "cpu", T0, T0 + 40_000, 10_000);

        assertThat(steps).containsExactly(
                new SampleStep(T0, T0, 2, 50, 10, 90),
                new SampleStep(T0 + 10_000, T0 + 10_000, 1, 20, 20, 20),
                new SampleStep(T0 + 30_000, T0 + 35_000, 1, 99, 99, 99),
                new SampleStep(T0 + 40_000, T0 + 40_000, 1, 1, 1, 1));
        assertThat(log.steps("web-2", "cpu", T0, T0 + 40_000, 10_000)).isEmpty();
    }

    @Test
    void stepsEqualTheSamplesReducedOneByOne() {
        // Irregular times with spikes, the range's start not on a step: the database's reduction and a plain one of
        // every sample agree on every step, for steps that leave a remainder of almost a whole step too.
        Random random = new Random(19);
        List<Event> events = new ArrayList<>();
        long t = T0 + 7;
        for (int i = 1; i <= 3000; i++) {
            t += 1 + random.nextInt(20_000);
            double value = random.nextInt(50) == 0 ? 1000 + random.nextInt(100) : random.nextDouble() * 100;
            events.add(event(i, "db-1", "load", value, t));
        }
        log.append(events);
        long from = T0 + 3_333;
        long to = t - 1234;
        List<Sample> samples = log.samples("db-1", "load", from, to, 10_000);
        for (long step : new long[]{1, 999, 10_000, 86_400, 3_600_000, to - from + 1}) {
            List<SampleStep> expected = new ArrayList<>();
            int i = 0;
            while (i < samples.size()) {
                long start = samples.get(i).timestampMs() - (samples.get(i).timestampMs() - from) % step;
                long first = samples.get(i).timestampMs();
                double sum = 0;
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                int n = 0;
                for (; i < samples.size() && samples.get(i).timestampMs() < start + step; i++, n++) {
                    double v = samples.get(i).value();
                    sum += v;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                expected.add(new SampleStep(start, first, n, sum / n, min, max));
            }
            assertSameSteps(step, log.steps("db-1", "load", from, to, step), expected);
        }
    }

    private static void assertSameSteps(long step, List<SampleStep> steps, List<SampleStep> expected) {
        assertThat(steps).as("step %d", step).hasSameSizeAs(expected);
        for (int k = 0; k < steps.size(); k++) {
            SampleStep got = steps.get(k);
            SampleStep want = expected.get(k);
            assertThat(List.of(got.startMs(), got.firstMs(), got.count())).as("step %d, #%d", step, k)
                    .isEqualTo(List.of(want.startMs(), want.firstMs(), want.count()));
            assertThat(got.avg()).as("avg, step %d, #%d", step, k).isCloseTo(want.avg(), within(1e-9));
            assertThat(got.min()).isEqualTo(want.min());
            assertThat(got.max()).isEqualTo(want.max());
        }
    }

    @Test
    void aStepOfLessThanOneMillisecondIsRefused() {
        assertThatThrownBy(() -> log.steps("web-1", "cpu", T0, T0 + 1000, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- query ---

    @ParameterizedTest(name = "ram {0} {1} over 10,20,30 -> held={2} matched={3}")
    @CsvSource({
            ">,  5,  true,  3",
            ">,  10, false, 2",
            ">=, 10, true,  3",
            ">=, 11, false, 2",
            "<,  31, true,  3",
            "<,  30, false, 2",
            "<=, 30, true,  3",
            "<=, 29, false, 2",
            "==, 20, false, 1",
            "==, 21, false, 0",
            "!=, 21, true,  3",
            "!=, 20, false, 2",
    })
    void queryCountsMatchesForEveryOperator(String symbol, double threshold, boolean held, int matched) {
        log.append(List.of(
                event(1, "web-1", "ram", 10, T0),
                event(2, "web-1", "ram", 20, T0 + 1000),
                event(3, "web-1", "ram", 30, T0 + 2000),
                event(4, "web-1", "ram", 1000, T0 + 2001),   // outside the window
                event(5, "web-1", "cpu", 1000, T0 + 1000))); // other type
        Operator op = Operator.parse(symbol).orElseThrow();

        ConditionStats stats = log.query("web-1", "ram", op, threshold, T0, T0 + 2000, 1000);

        assertThat(stats.held()).isEqualTo(held);
        assertThat(stats.matched()).isEqualTo(matched);
        assertThat(stats.unmatched()).isEqualTo(3 - matched);
        assertThat(stats.count()).isEqualTo(3);
        assertThat(stats.avg()).isCloseTo(20.0, within(1e-9));
        assertThat(stats.min()).isEqualTo(10.0);
        assertThat(stats.max()).isEqualTo(30.0);
    }

    @Test
    void queryOverAllEqualValuesHoldsForEquality() {
        log.append(List.of(event(1, "web-1", "ram", 50, T0), event(2, "web-1", "ram", 50, T0 + 1)));

        ConditionStats stats = log.query("web-1", "ram", Operator.EQ, 50, T0, T0 + 1, 1000);

        assertThat(stats).isEqualTo(new ConditionStats(true, 2, 0, 2, 50, 50, 50));
    }

    @Test
    void queryOverAnEmptyWindowDoesNotHoldAndHasNoAverage() {
        log.append(List.of(event(1, "web-1", "ram", 90, T0)));

        ConditionStats stats = log.query("web-1", "ram", Operator.GT, 80, T0 + 1, T0 + 60_000, 1000);

        assertThat(stats.held()).isFalse();
        assertThat(stats.matched()).isZero();
        assertThat(stats.unmatched()).isZero();
        assertThat(stats.count()).isZero();
        assertThat(stats.avg()).isNaN();
        assertThat(stats.min()).isNaN();
        assertThat(stats.max()).isNaN();
    }

    // --- scan ---

    @Test
    void scanReturnsTheHalfOpenRangeInSeqOrder() {
        for (long seq = 1; seq <= 10; seq++) {
            log.append(List.of(event(seq, "web-1", "ram", seq, T0 + seq)));
        }

        List<Long> seqs = new ArrayList<>();
        log.scan(3, 7, e -> seqs.add(e.seq()));

        assertThat(seqs).containsExactly(4L, 5L, 6L, 7L);
    }

    @Test
    void scanPagesAcrossMoreThanTenThousandRowsWithoutLosingOrRepeatingAny() {
        int n = 25_003;
        List<Event> events = new ArrayList<>(n);
        // Sparse, unevenly spaced seqs so a page boundary cannot line up with arithmetic on the cursor.
        long seq = 1_000;
        for (int i = 0; i < n; i++) {
            seq += 1 + (i % 7);
            events.add(event(seq, "web-" + (i % 13), "ram", i, T0 + i));
        }
        log.append(events);

        List<Event> all = scanAll();
        assertThat(all).hasSize(n);
        assertThat(all).containsExactlyElementsOf(events);

        // Exactly one page plus a bit, starting mid-range.
        long after = events.get(4_999).seq();
        long upTo = events.get(15_000).seq();
        List<Event> middle = new ArrayList<>();
        log.scan(after, upTo, middle::add);
        assertThat(middle).containsExactlyElementsOf(events.subList(5_000, 15_001));

        // Exactly one full page: the scan must not stop early or loop.
        List<Event> onePage = new ArrayList<>();
        log.scan(events.get(0).seq() - 1, events.get(9_999).seq(), onePage::add);
        assertThat(onePage).containsExactlyElementsOf(events.subList(0, 10_000));
    }

    @Test
    void scanOfAnEmptyRangeCallsNothing() {
        log.append(List.of(event(5, "web-1", "ram", 1, T0)));

        List<Event> seen = new ArrayList<>();
        log.scan(5, 100, seen::add);
        log.scan(0, 4, seen::add);

        assertThat(seen).isEmpty();
    }

    // --- lastSeq, hasReported ---

    @Test
    void lastSeqIsZeroWhenEmptyThenTheHighestStored() {
        assertThat(log.lastSeq()).isZero();

        log.append(List.of(event(42, "web-1", "ram", 1, T0), event(7, "web-1", "ram", 1, T0)));
        assertThat(log.lastSeq()).isEqualTo(42);

        log.append(List.of(event(41, "web-1", "ram", 1, T0)));
        assertThat(log.lastSeq()).isEqualTo(42);
    }

    @Test
    void hasReportedOnlyForAnInstanceWithAStoredEvent() {
        log.append(List.of(event(1, "web-10", "ram", 1, T0)));

        assertThat(log.hasReported("web-10")).isTrue();
        assertThat(log.hasReported("web-1")).isFalse();
        assertThat(log.hasReported("web-%")).isFalse();
        assertThat(log.hasReported("WEB-10")).isFalse();
    }

    @Test
    void storedEventsSurviveReopeningTheDatabase() {
        log.append(List.of(event(1, "web-1", "ram", 81.5, T0)));
        db.close();

        db = openDatabase(dir);
        log = new JdbcEventLog(db.dataSource());

        assertThat(scanAll()).containsExactly(event(1, "web-1", "ram", 81.5, T0));
    }

    @Test
    void replayReadsTheArchiveTooInSequenceOrderPageByPage() throws Exception {
        int total = EventLogReplay.PAGE * 2 + 500;
        List<Event> batch = new ArrayList<>();
        for (long seq = 1; seq <= total; seq++) {
            batch.add(event(seq, "vm-" + (seq % 7), "cpu", seq, T0 + seq));
            if (batch.size() == 5000) {
                log.append(batch);
                batch.clear();
            }
        }
        log.append(batch);
        // The cleaner's archive holds rows of the same columns; here every third, so the two interleave.
        try (java.sql.Connection c = db.connection(); java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO event_log_archive (seq, instance, type, ts, val) "
                    + "SELECT seq, instance, type, ts, val FROM event_log WHERE MOD(seq, 3) = 0");
            st.executeUpdate("DELETE FROM event_log WHERE MOD(seq, 3) = 0");
        }
        List<Long> seen = new ArrayList<>();
        new EventLogReplay(db.dataSource()).replay(100, total - 10, e -> {
            assertThat(e.state().value()).isEqualTo(e.seq());
            assertThat(e.instance()).isEqualTo("vm-" + (e.seq() % 7));
            seen.add(e.seq());
        });

        assertThat(seen).hasSize(total - 10 - 100);
        for (int i = 0; i < seen.size(); i++) {
            assertThat(seen.get(i)).isEqualTo(100L + i);
        }
    }

    @Test
    void readersInParallelGiveTheEventsInTheOrderOneReaderGives() throws Exception {
        // Arrivals over 3 hours with a dense burst, a silent hour and a sparse tail, so the chunks vary in size
        // and some are empty; every fourth row in the archive.
        List<Event> batch = new ArrayList<>();
        long arrival = T0;
        for (int i = 0; i < 60_000; i++) {
            arrival += i < 20_000 ? 2 : i == 20_000 ? 3_600_000 : i < 50_000 ? 100 : 1_000;
            long seq = EventSequence.firstAt(arrival) + i % EventSequence.WRITERS;
            batch.add(event(seq, "vm-" + (i % 11), i % 2 == 0 ? "cpu" : "load", i, arrival - 500));
            if (batch.size() == 5000) {
                log.append(batch);
                batch.clear();
            }
        }
        log.append(batch);
        try (java.sql.Connection c = db.connection(); java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO event_log_archive (seq, instance, type, ts, val) "
                    + "SELECT seq, instance, type, ts, val FROM event_log WHERE MOD(seq, 4) = 0");
            st.executeUpdate("DELETE FROM event_log WHERE MOD(seq, 4) = 0");
        }
        long from = EventSequence.firstAt(T0 + 1_000);
        long to = EventSequence.firstAt(arrival - 60_000);
        List<Event> one = new ArrayList<>();
        new EventLogReplay(db.dataSource(), 1).replay(from, to, one::add);
        List<Event> three = new ArrayList<>();
        new EventLogReplay(db.dataSource(), 3).replay(from, to, three::add);

        assertThat(one).hasSizeGreaterThan(50_000);
        assertThat(one).isSortedAccordingTo(java.util.Comparator.comparingLong(Event::seq));
        assertThat(three).isEqualTo(one);
    }

    @Test
    void aConsumerThatStopsEndsTheReaders() {
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            batch.add(event(EventSequence.firstAt(T0 + i * 1000L), "vm-1", "cpu", i, T0 + i * 1000L));
        }
        log.append(batch);
        int[] seen = {0};
        assertThatThrownBy(() -> new EventLogReplay(db.dataSource(), 2).replay(0, Long.MAX_VALUE, e -> {
            if (++seen[0] == 100) {
                throw new IllegalStateException("enough");
            }
        })).hasMessage("enough");
        // The readers end with it.
        await().atMost(java.time.Duration.ofSeconds(30)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("event-log-replay")));
    }
}
