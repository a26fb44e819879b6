package io.scalemanager.cleaner;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.time.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Archiving on a real database; runs on H2 and on MariaDB (CleanerOnH2Test, CleanerOnMariaDbTest). */
abstract class CleanerTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    /** Opens the database of the directory: the same directory opens the same database again. */
    protected abstract Database openDatabase(java.nio.file.Path dir);

    @TempDir
    java.nio.file.Path dir;
    private Database db;
    private final MutableClock clock = new MutableClock(NOW);

    @BeforeEach
    void open() {
        db = openDatabase(dir);
    }

    @AfterEach
    void close() {
        db.close();
    }

    /** What the queue has decided, as the test sets it. */
    private OptionalLong decidedUpTo = OptionalLong.empty();

    private Cleaner cleaner(int chunkRows, boolean downsample) {
        CleanerSettings s = new CleanerSettings(Duration.ofMinutes(10), Duration.ofDays(7), Duration.ofDays(90),
                chunkRows, Duration.ZERO, 0, downsample, Duration.ofMinutes(30));
        return new Cleaner(db, s, clock, CleanerChild.NO_STUCK_ACTIONS, () -> decidedUpTo,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    /** An event that arrived {@code ageMs} before NOW (seq) and was measured at that time too (ts). */
    private static long seqAged(long ageMs, int n) {
        return EventSequence.firstAt(NOW.toEpochMilli() - ageMs) + n;
    }

    private void insertEvents(List<long[]> seqAndTs, String instance, String type, double[] values) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO event_log (seq, instance, type, ts, val) VALUES (?, ?, ?, ?, ?)")) {
            for (int i = 0; i < seqAndTs.size(); i++) {
                ps.setLong(1, seqAndTs.get(i)[0]);
                ps.setString(2, instance);
                ps.setString(3, type);
                ps.setLong(4, seqAndTs.get(i)[1]);
                ps.setDouble(5, values[i]);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** n events per age, one microsecond apart, value = index. */
    private List<Long> insertEventsAged(long ageMs, int n, String instance) {
        List<long[]> rows = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            long seq = seqAged(ageMs, i);
            rows.add(new long[] {seq, EventSequence.arrivalMs(seq)});
            seqs.add(seq);
            values[i] = i;
        }
        insertEvents(rows, instance, "cpu", values);
        return seqs;
    }

    private void insertAction(long id, String status, Long finishedAt) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("INSERT INTO action_log (id, "
                + "instance, rule, component, mode, val, status, reason, created_at, updated_at, finished_at, "
                + "cooldown_ms, event_seq, event_type, event_value, event_ts) VALUES (?, 'web-1', 'ram-up', 'ram', "
                + "'rel', 1024, ?, 'ram > 80', ?, ?, ?, 600000, ?, 'ram', 91, ?)")) {
            long created = finishedAt == null ? NOW.toEpochMilli() - 100 * DAY_MS : finishedAt - 1000;
            ps.setLong(1, id);
            ps.setString(2, status);
            ps.setLong(3, created);
            ps.setLong(4, created);
            if (finishedAt == null) {
                ps.setNull(5, java.sql.Types.BIGINT);
            } else {
                ps.setLong(5, finishedAt);
            }
            ps.setLong(6, id);
            ps.setLong(7, created);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private List<Long> keys(String sql) {
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

    private long count(String table) {
        return keys("SELECT COUNT(*) FROM " + table).get(0);
    }

    @Test
    void eventsOlderThanTheRetentionMoveInChunksAndNewerOnesStay() {
        List<Long> old = new ArrayList<>(insertEventsAged(30 * DAY_MS, 23, "web-1"));
        old.addAll(insertEventsAged(8 * DAY_MS, 20, "web-2"));
        // The boundary: one microsecond before the cutoff moves, the cutoff itself stays.
        long cutoff = EventSequence.firstAt(NOW.toEpochMilli() - 7 * DAY_MS);
        insertEvents(List.of(new long[] {cutoff - 1, 0}, new long[] {cutoff, 0}), "web-3", "cpu", new double[] {1, 2});
        old.add(cutoff - 1);
        List<Long> recent = new ArrayList<>(List.of(cutoff));
        recent.addAll(insertEventsAged(DAY_MS, 10, "web-1"));

        Cleaner.Report report = cleaner(7, false).runOnce(false, System.out);

        assertThat(report.eventRows()).isEqualTo(old.size());
        assertThat(keys("SELECT seq FROM event_log_archive ORDER BY seq")).containsExactlyElementsOf(old);
        assertThat(keys("SELECT seq FROM event_log ORDER BY seq")).containsExactlyElementsOf(recent);
    }

    @Test
    void archivedEventsKeepEveryColumn() {
        insertEvents(List.<long[]>of(new long[] {seqAged(10 * DAY_MS, 0), 1_700_000_000_123L}), "rack-2/web:3@eu",
                "ram_used_mb", new double[] {81.5});

        cleaner(100, false).runOnce(false, System.out);

        try (Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT seq, instance, type, ts, val FROM event_log_archive")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(seqAged(10 * DAY_MS, 0));
            assertThat(rs.getString(2)).isEqualTo("rack-2/web:3@eu");
            assertThat(rs.getString(3)).isEqualTo("ram_used_mb");
            assertThat(rs.getLong(4)).isEqualTo(1_700_000_000_123L);
            assertThat(rs.getDouble(5)).isEqualTo(81.5);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void onlyFinishedActionsOlderThanTheRetentionMove() {
        long now = NOW.toEpochMilli();
        insertAction(1, "succeeded", now - 200 * DAY_MS);
        insertAction(2, "failed", now - 91 * DAY_MS);
        insertAction(3, "running", null);         // old but unfinished: stays
        insertAction(4, "succeeded", now - 89 * DAY_MS); // finished recently: stays
        insertAction(5, "failed", now - 90 * DAY_MS - 1);
        insertAction(6, "pending", null);
        insertAction(7, "succeeded", now - 95 * DAY_MS);

        Cleaner.Report report = cleaner(2, false).runOnce(false, System.out);

        assertThat(report.actionRows()).isEqualTo(4);
        assertThat(keys("SELECT id FROM action_log_archive ORDER BY id")).containsExactly(1L, 2L, 5L, 7L);
        assertThat(keys("SELECT id FROM action_log ORDER BY id")).containsExactly(3L, 4L, 6L);
        assertThat(keys("SELECT finished_at FROM action_log_archive WHERE id = 2")).containsExactly(now - 91 * DAY_MS);
    }

    @Test
    void decisionAndAuditRecordsOlderThanTheRetentionMoveAndNewerOnesStay() {
        long now = NOW.toEpochMilli();
        execute("INSERT INTO decision_log (id, time, instance, rule, outcome, reason, action) VALUES "
                + "(1, " + (now - 91 * DAY_MS) + ", 'web-1', 'ram-up', 'blocked', 'blocked: action 7', 7), "
                + "(2, " + (now - 89 * DAY_MS) + ", 'web-1', 'ram-up', 'fired', 'ram 91 > 80', 8)");
        execute("INSERT INTO audit_log (id, time, who, client, action, target, result) VALUES "
                + "(1, " + (now - 95 * DAY_MS) + ", 'ops', '127.0.0.1', 'pause', 'web-*', 'ok'), "
                + "(2, " + (now - 1 * DAY_MS) + ", 'ops', '127.0.0.1', 'resize', 'web-1', 'ok')");

        cleaner(1, false).runOnce(false, System.out);

        assertThat(keys("SELECT id FROM decision_log_archive")).containsExactly(1L);
        assertThat(keys("SELECT id FROM decision_log")).containsExactly(2L);
        assertThat(keys("SELECT action FROM decision_log_archive WHERE id = 1")).containsExactly(7L);
        assertThat(keys("SELECT id FROM audit_log_archive")).containsExactly(1L);
        assertThat(keys("SELECT id FROM audit_log")).containsExactly(2L);
    }

    private void execute(String sql) {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void downsamplingKeepsMinAvgMaxAndCountPerMinuteAcrossChunksAndRuns() {
        long minute = (NOW.toEpochMilli() - 10 * DAY_MS) / 60_000 * 60_000;
        long base = EventSequence.firstAt(minute);
        // Minute 0: values 1..10; minute 1: 100 and 300. Spread so chunks of 3 split a minute.
        List<long[]> rows = new ArrayList<>();
        double[] values = new double[12];
        for (int i = 0; i < 10; i++) {
            rows.add(new long[] {base + i, minute + i * 1000});
            values[i] = i + 1;
        }
        rows.add(new long[] {base + 10, minute + 60_000});
        rows.add(new long[] {base + 11, minute + 119_999});
        values[10] = 100;
        values[11] = 300;
        insertEvents(rows.subList(0, 6), "web-1", "cpu", java.util.Arrays.copyOfRange(values, 0, 6));
        cleaner(3, true).runOnce(false, System.out);
        // A second run merges more rows of the same minute into the row the first one wrote.
        insertEvents(rows.subList(6, 12), "web-1", "cpu", java.util.Arrays.copyOfRange(values, 6, 12));
        cleaner(3, true).runOnce(false, System.out);

        assertThat(count("event_log")).isZero();
        assertThat(count("event_log_archive")).isZero();
        try (Connection c = db.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT minute_start, min_val, avg_val, max_val, cnt FROM event_log_minute ORDER BY minute_start")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(minute);
            assertThat(rs.getDouble(2)).isEqualTo(1);
            assertThat(rs.getDouble(3)).isCloseTo(5.5, within(1e-9));
            assertThat(rs.getDouble(4)).isEqualTo(10);
            assertThat(rs.getLong(5)).isEqualTo(10);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(minute + 60_000);
            assertThat(rs.getDouble(2)).isEqualTo(100);
            assertThat(rs.getDouble(3)).isCloseTo(200, within(1e-9));
            assertThat(rs.getDouble(4)).isEqualTo(300);
            assertThat(rs.getLong(5)).isEqualTo(2);
            assertThat(rs.next()).isFalse();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void dryRunSaysWhatItWouldMoveAndChangesNothing() {
        List<Long> old = insertEventsAged(10 * DAY_MS, 15, "web-1");
        insertEventsAged(DAY_MS, 5, "web-1");
        insertAction(1, "succeeded", NOW.toEpochMilli() - 100 * DAY_MS);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        Cleaner.Report report = cleaner(4, false).runOnce(true, new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(report.eventRows()).isEqualTo(15);
        assertThat(report.actionRows()).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("would archive 15 EventLog rows (seq " + old.get(0) + " to " + old.get(14) + ")")
                .contains("would archive 1 finished ActionLog rows");
        assertThat(count("event_log")).isEqualTo(20);
        assertThat(count("event_log_archive")).isZero();
        assertThat(count("action_log")).isEqualTo(1);
        assertThat(count("action_log_archive")).isZero();
    }

    @Test
    void eventsTheQueueHasNotDecidedStayWhateverTheirAge() {
        List<Long> seqs = insertEventsAged(10 * DAY_MS, 10, "web-1");
        decidedUpTo = OptionalLong.of(seqs.get(5));

        cleaner(3, false).runOnce(false, System.out);

        assertThat(keys("SELECT seq FROM event_log_archive ORDER BY seq"))
                .containsExactlyElementsOf(seqs.subList(0, 6));
        assertThat(keys("SELECT seq FROM event_log ORDER BY seq")).containsExactlyElementsOf(seqs.subList(6, 10));
    }
}
