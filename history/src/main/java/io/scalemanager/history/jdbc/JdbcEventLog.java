package io.scalemanager.history.jdbc;

import io.scalemanager.core.condition.Operator;
import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.history.EventLog;
import io.scalemanager.history.Sample;
import io.scalemanager.core.condition.ConditionStats;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The EventLog in a relational database, table {@code event_log}. Parameterised SQL only. */
public final class JdbcEventLog implements EventLog {
    private static final int SCAN_PAGE = 10_000;

    private final DataSource dataSource;

    public JdbcEventLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void append(List<Event> events) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
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
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot store " + events.size() + " events: " + e.getMessage(), e);
        }
    }

    @Override
    public long lastSeq() {
        return queryLong("SELECT COALESCE(MAX(seq), 0) FROM event_log");
    }

    @Override
    public List<Sample> samples(String instance, String type, long fromMs, long toMs, int limit) {
        String sql = "SELECT ts, val FROM event_log WHERE instance = ? AND type = ? AND ts BETWEEN ? AND ? "
                + "ORDER BY ts LIMIT ?";
        List<Sample> samples = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
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

    @Override
    public ConditionStats query(String instance, String type, Operator op, double threshold, long fromMs, long toMs) {
        // The comparison runs here, not in SQL, so the operator never becomes part of a statement.
        String sql = "SELECT val FROM event_log WHERE instance = ? AND type = ? AND ts BETWEEN ? AND ?";
        ConditionStats.Builder stats = new ConditionStats.Builder(op, threshold);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bindWindow(ps, instance, type, fromMs, toMs);
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
