package io.scalemanager.history.jdbc;

import io.scalemanager.core.condition.Operator;
import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.db.Transaction;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.history.EventLog;
import io.scalemanager.history.Sample;
import io.scalemanager.history.SampleStep;
import io.scalemanager.core.condition.ConditionStats;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The EventLog in a relational database, table {@code event_log}. Parameterised SQL only. */
public final class JdbcEventLog implements EventLog {
    private static final Logger log = LoggerFactory.getLogger(JdbcEventLog.class);
    private static final int SCAN_PAGE = 10_000;
    /** A range scan of the (instance, type, ts) index, in time order. */
    static final String SAMPLES_SQL = "SELECT ts, val FROM event_log WHERE instance = ? AND type = ? "
            + "AND ts BETWEEN ? AND ? ORDER BY ts LIMIT ?";
    /** More rows than this in one step read are left out: 31 days (the longest chart) of 1 s samples fit. */
    static final int MAX_STEP_ROWS = 3_000_000;

    private final DataSource dataSource;

    public JdbcEventLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Stores the events in one transaction. A batch the server refuses before the commit for a reason that may be
     * gone a moment later is tried once more in a new transaction: on MariaDB, a batch insert (the driver's bulk
     * protocol) whose table's partitions changed under it (the partitioned cleaner's {@code DROP} or {@code
     * REORGANIZE PARTITION}, ADR 9) fails once, with no error code; so do a deadlock or a lock wait timeout. The
     * failed transaction was rolled back, so nothing is stored twice. A lost connection, a duplicate key or a bad
     * value are not tried again: their outcome or their cause would not change.
     */
    @Override
    public void append(List<Event> events) {
        try {
            Transaction.run(dataSource, c -> insert(c, events));
        } catch (SQLException first) {
            if (!worthAnotherTry(first)) {
                throw notStored(events, first);
            }
            log.info("The database refused a batch of {} events before its commit ({}): trying it once more",
                    events.size(), describe(first));
            try {
                Transaction.run(dataSource, c -> insert(c, events));
            } catch (SQLException second) {
                second.addSuppressed(first);
                throw notStored(events, second);
            }
        }
    }

    private static DatabaseException notStored(List<Event> events, SQLException e) {
        return new DatabaseException("cannot store " + events.size() + " events: " + describe(e), e);
    }

    private static void insert(Connection c, List<Event> events) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO event_log (seq, instance, type, ts, val) VALUES (?, ?, ?, ?, ?)")) {
            for (int i = 0; i < events.size(); i++) {
                Event e = events.get(i);
                State s = e.state();
                ps.setLong(1, e.seq());
                ps.setString(2, s.instance());
                ps.setString(3, s.type());
                ps.setLong(4, s.timestampMs());
                ps.setDouble(5, s.value());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Not a lost connection (SQLState class 08: the commit's outcome would be unknown), an integrity violation (23:
     * a duplicate key stays one) or a bad value (22), nor a statement that ran out of time, nor a connection the
     * pool could not give in time (no batch was sent: waiting as long again would only delay the answer).
     */
    private static boolean worthAnotherTry(SQLException e) {
        String state = e.getSQLState();
        return !(e instanceof SQLTimeoutException) && !(e instanceof SQLTransientConnectionException)
                && (state == null || !(state.startsWith("08") || state.startsWith("23") || state.startsWith("22")));
    }

    /** The message with the SQLState and the server's error code, which some failures' messages leave out. */
    private static String describe(SQLException e) {
        return (e.getMessage() == null ? "" : e.getMessage().strip()) + " (SQLState " + e.getSQLState() + ", error "
                + e.getErrorCode() + ")";
    }

    @Override
    public long lastSeq() {
        return queryLong("SELECT COALESCE(MAX(seq), 0) FROM event_log");
    }

    @Override
    public List<Sample> samples(String instance, String type, long fromMs, long toMs, int limit) {
        List<Sample> samples = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SAMPLES_SQL)) {
            bindWindow(ps, instance, type, fromMs, toMs);
            ps.setInt(5, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    samples.add(new Sample(rs.getLong(1), rs.getDouble(2)));
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read samples: " + e.getMessage(), e);
        }
        return samples;
    }

    /**
     * The rows of the (instance, type, ts) index range, reduced while they are read, without keeping them. Not a
     * GROUP BY in SQL: measured side by side on 95,040 rows ({@code StepsSpeedTest}, docs/performance.md), H2's
     * GROUP BY took 3 to 3.7 times as long as handing the rows over, and MariaDB's 1.4 to 1.7 times (a temporary
     * table per query, and a lookup of every row by its key, cost more than the loopback transfer saved); only
     * with an index that covers {@code val} too did MariaDB's grouping come out ahead.
     */
    @Override
    public List<SampleStep> steps(String instance, String type, long fromMs, long toMs, long stepMs) {
        if (stepMs <= 0) {
            throw new IllegalArgumentException("a step is at least 1 ms, got " + stepMs);
        }
        List<SampleStep> steps = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SAMPLES_SQL)) {
            bindWindow(ps, instance, type, fromMs, toMs);
            ps.setInt(5, MAX_STEP_ROWS);
            try (ResultSet rs = ps.executeQuery()) {
                long start = Long.MIN_VALUE;
                long first = 0;
                long n = 0;
                double sum = 0;
                double min = 0;
                double max = 0;
                while (rs.next()) {
                    long ts = rs.getLong(1);
                    double v = rs.getDouble(2);
                    long s = ts - Math.floorMod(ts - fromMs, stepMs);
                    if (s != start) {
                        if (n > 0) {
                            steps.add(new SampleStep(start, first, n, sum / n, min, max));
                        }
                        start = s;
                        first = ts;
                        n = 0;
                        sum = 0;
                        min = v;
                        max = v;
                    }
                    n++;
                    sum += v;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                if (n > 0) {
                    steps.add(new SampleStep(start, first, n, sum / n, min, max));
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the samples' steps: " + e.getMessage(), e);
        }
        return steps;
    }

    @Override
    public ConditionStats query(String instance, String type, Operator op, double threshold, long fromMs, long toMs,
                                int maxRows) {
        // The comparison runs here, not in SQL, so the operator never becomes part of a statement.
        String sql = "SELECT val FROM event_log WHERE instance = ? AND type = ? AND ts BETWEEN ? AND ? LIMIT ?";
        ConditionStats.Builder stats = new ConditionStats.Builder(op, threshold);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bindWindow(ps, instance, type, fromMs, toMs);
            ps.setLong(5, (long) maxRows + 1);
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stats.add(rs.getDouble(1));
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot query samples: " + e.getMessage(), e);
        }
        return stats.build();
    }

    @Override
    public void scan(long afterSeq, long upToSeq, Consumer<Event> consumer) {
        String sql = "SELECT seq, instance, type, ts, val FROM event_log WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?";
        long cursor = afterSeq;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            while (true) {
                ps.setLong(1, cursor);
                ps.setLong(2, upToSeq);
                ps.setInt(3, SCAN_PAGE);
                int rows = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        cursor = rs.getLong(1);
                        consumer.accept(new Event(cursor,
                                new State(rs.getString(2), rs.getString(3), rs.getDouble(5), rs.getLong(4))));
                        rows++;
                    }
                }
                if (rows < SCAN_PAGE) {
                    return;
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot scan the event log: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean hasReported(String instance) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM event_log WHERE instance = ? LIMIT 1")) {
            ps.setString(1, instance);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot look up instance: " + e.getMessage(), e);
        }
    }

    private static void bindWindow(PreparedStatement ps, String instance, String type, long fromMs, long toMs)
            throws SQLException {
        ps.setString(1, instance);
        ps.setString(2, type);
        ps.setLong(3, fromMs);
        ps.setLong(4, toMs);
    }

    private long queryLong(String sql) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new DatabaseException("query failed: " + e.getMessage(), e);
        }
    }
}
