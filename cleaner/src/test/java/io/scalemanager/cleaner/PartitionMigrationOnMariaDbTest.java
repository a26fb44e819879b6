package io.scalemanager.cleaner;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.state.EventSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code scalemanager cleaner --partition} on an existing unpartitioned EventLog of 1,000,000 rows over eight days,
 * while a writer keeps inserting: every row is kept, the tables end up partitioned, and the next run archives
 * the day past retention by partition. Prints how long the migration took and the longest insert it held up.
 */
class PartitionMigrationOnMariaDbTest {
    private static final int ROWS = 1_000_000;
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aMillionRowEventLogIsPartitionedWithoutLosingARowWhileWritesGoOn() throws Exception {
        long now = System.currentTimeMillis();
        long first = EventSequence.firstAt(now - 8 * DAY_MS);
        long step = (EventSequence.firstAt(now - DAY_MS) - first) / ROWS;
        try (Database db = TestDatabases.mariaDb(dir)) {
            // MariaDB's sequence engine fills the table in one statement.
            execute(db, "INSERT INTO event_log (seq, instance, type, ts, val) SELECT " + first + " + seq * " + step
                    + ", CONCAT('vm-', seq % 1000), 'cpu', (" + first + " + seq * " + step + ") DIV 64000, seq % 100 "
                    + "FROM seq_0_to_" + (ROWS - 1));
            long pastRetention = count(db, "SELECT COUNT(*) FROM event_log WHERE seq < "
                    + EventSequence.firstAt(now - 7 * DAY_MS));
            assertThat(count(db, "SELECT COUNT(*) FROM event_log")).isEqualTo(ROWS);

            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong written = new AtomicLong();
            AtomicLong longestInsertMs = new AtomicLong();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO event_log (seq, instance, type, ts, val) VALUES (?, 'live-1', 'cpu', ?, 1)")) {
                    while (writing.get()) {
                        long start = System.nanoTime();
                        long ms = System.currentTimeMillis();
                        ps.setLong(1, EventSequence.firstAt(ms) + written.get() % 64);
                        ps.setLong(2, ms);
                        ps.executeUpdate();
                        written.incrementAndGet();
                        longestInsertMs.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                        Thread.sleep(10);
                    }
                } catch (SQLException e) {
                    throw new AssertionError(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CleanerSettings settings = new CleanerSettings(Duration.ofMinutes(10), Duration.ofDays(7),
                    Duration.ofDays(90), 5000, Duration.ZERO, 0, false, Duration.ofMinutes(30), true,
                    Duration.ofHours(6), 4);
            Cleaner cleaner = new Cleaner(db, settings, Clock.systemUTC(), CleanerChild.NO_STUCK_ACTIONS,
                    DecidedEvents.NOTHING_PENDING, new SimpleMeterRegistry());
            long start = System.nanoTime();
            cleaner.partition(System.out);
            double took = (System.nanoTime() - start) / 1e9;
            writing.set(false);
            writer.get(1, TimeUnit.MINUTES);
            System.out.printf("migration of %,d rows: %.1f s (%,.0f rows/s); longest insert meanwhile %d ms; %d "
                    + "inserts%n", ROWS, took, ROWS / took, longestInsertMs.get(), written.get());

            assertThat(cleaner.byPartition()).isTrue();
            assertThat(count(db, "SELECT COUNT(*) FROM event_log")).isEqualTo(ROWS + written.get());
            assertThat(count(db, "SELECT COUNT(*) FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = "
                    + "DATABASE() AND TABLE_NAME = 'event_log'")).isGreaterThan(28);

            Cleaner.Report report = cleaner.runOnce(false, System.out);

            // Whole partitions of 6 hours leave: everything past retention, short of the partition that straddles it.
            assertThat(report.eventRows()).isBetween(pastRetention - ROWS / 28, pastRetention);
            assertThat(count(db, "SELECT COUNT(*) FROM event_log_archive")).isEqualTo(report.eventRows());
            assertThat(count(db, "SELECT COUNT(*) FROM event_log") + report.eventRows())
                    .isEqualTo(ROWS + written.get());
        }
    }

    private static void execute(Database db, String sql) throws SQLException {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static long count(Database db, String sql) throws SQLException {
        try (Connection c = db.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
