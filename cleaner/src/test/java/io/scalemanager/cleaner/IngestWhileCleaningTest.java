package io.scalemanager.cleaner;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.state.State;
import io.scalemanager.history.ingest.GroupCommitWriter;
import io.scalemanager.history.jdbc.JdbcEventLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cleaner archives right behind the head of the EventLog (a retention of a few milliseconds) while the
 * EventLog writer commits states as fast as it can: every acknowledged state ends up exactly once in the
 * EventLog or its archive. Runs on H2 and on MariaDB.
 */
abstract class IngestWhileCleaningTest {
    private static final int BATCHES = 150;
    private static final int BATCH = 200;

    protected abstract Database openDatabase(Path dir);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void nothingAcknowledgedGoesMissingWhileTheCleanerRuns() throws Exception {
        Clock clock = Clock.systemUTC();
        try (Database db = openDatabase(dir)) {
            GroupCommitWriter writer = new GroupCommitWriter(new JdbcEventLog(db.dataSource()),
                    events -> CompletableFuture.completedFuture(null),
                    clock, 500, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start();
            CleanerSettings settings = new CleanerSettings(Duration.ofMinutes(10), Duration.ofMillis(5),
                    Duration.ofDays(90), 300, Duration.ZERO, 0, false, Duration.ofMinutes(30));
            Cleaner cleaner = new Cleaner(db, settings, clock, CleanerChild.NO_STUCK_ACTIONS,
                    DecidedEvents.NOTHING_PENDING, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());

            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong archivedWhileWriting = new AtomicLong();
            CompletableFuture<Void> cleaning = CompletableFuture.runAsync(() -> {
                while (writing.get()) {
                    archivedWhileWriting.addAndGet(cleaner.runOnce(false, System.out).eventRows());
                }
            });
            Set<Long> acknowledged = new HashSet<>();
            long value = 0;
            for (int b = 0; b < BATCHES; b++) {
                List<State> states = new ArrayList<>(BATCH);
                List<Long> values = new ArrayList<>(BATCH);
                for (int i = 0; i < BATCH; i++) {
                    states.add(new State("web-" + (i % 20), "cpu", value, clock.millis()));
                    values.add(value++);
                }
                writer.write(states, Duration.ofSeconds(30));
                acknowledged.addAll(values);
            }
            writing.set(false);
            cleaning.get(60, TimeUnit.SECONDS);
            writer.close();

            assertThat(archivedWhileWriting.get()).as("rows archived while ingesting").isPositive();
            List<Long> stored = values(db, "SELECT val FROM event_log");
            stored.addAll(values(db, "SELECT val FROM event_log_archive"));
            assertThat(stored).hasSize(acknowledged.size());
            assertThat(new HashSet<>(stored)).isEqualTo(acknowledged);
        }
    }

    private static List<Long> values(Database db, String sql) {
        List<Long> values = new ArrayList<>();
        try (Connection c = db.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add((long) rs.getDouble(1));
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return values;
    }
}
