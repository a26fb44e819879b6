package io.scalemanager.manager.decision;

import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.db.Transaction;
import io.scalemanager.manager.decide.OutcomeKind;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The decision log, table {@code decision_log}: durable outcomes, newest first for {@code GET /v1/decisions}.
 * Written in batches, each batch one transaction, so recording outcomes costs one commit per batch rather than
 * one per event.
 */
public final class DecisionLog {
    private final DataSource dataSource;

    public DecisionLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** What {@link #list} filters on; every filter is optional. */
    public record Query(Optional<String> instance, Optional<String> rule, Optional<OutcomeKind> outcome,
                        Optional<Long> sinceMs, int limit) {
    }

    /** Writes the decisions in one transaction: all or none. */
    public void append(List<Decision> decisions) {
        if (decisions.isEmpty()) {
            return;
        }
        try {
            Transaction.run(dataSource, c -> insert(c, decisions));
        } catch (SQLException e) {
            throw new DatabaseException("cannot write the decision log: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the decisions on the caller's connection, in its transaction: for what must be written together with
     * its decision row (a schedule's dry-run occurrence, {@code schedule/DryRunOccurrences}).
     */
    public static void insert(Connection c, List<Decision> decisions) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO decision_log (time, instance, rule, outcome, "
                + "reason, action) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (Decision d : decisions) {
                ps.setLong(1, d.timeMs());
                ps.setString(2, d.instance());
                ps.setString(3, d.rule());
                ps.setString(4, d.outcome().wireName());
                ps.setString(5, d.reason().length() <= 1000 ? d.reason() : d.reason().substring(0, 999) + "…");
                if (d.actionId() == null) {
                    ps.setNull(6, Types.BIGINT);
                } else {
                    ps.setLong(6, d.actionId());
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * How many decisions of one kind each rule recorded since a moment, by rule name: the rules page's "would
     * fire" of a dry-run rule, which starts no action to count.
     */
    public Map<String, Long> countPerRuleSince(OutcomeKind kind, long sinceMs) {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT rule, COUNT(*) FROM decision_log WHERE time >= ? AND outcome = ? GROUP BY rule")) {
            ps.setLong(1, sinceMs);
            ps.setString(2, kind.wireName());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return counts;
        } catch (SQLException e) {
            throw new DatabaseException("cannot count decisions per rule: " + e.getMessage(), e);
        }
    }

    /** Newest first. */
    public List<Decision> list(Query q) {
        StringBuilder sql = new StringBuilder("SELECT id, time, instance, rule, outcome, reason, action "
                + "FROM decision_log WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        q.instance().ifPresent(i -> {
            sql.append(" AND instance = ?");
            args.add(i);
        });
        q.rule().ifPresent(r -> {
            sql.append(" AND rule = ?");
            args.add(r);
        });
        q.outcome().ifPresent(o -> {
            sql.append(" AND outcome = ?");
            args.add(o.wireName());
        });
        q.sinceMs().ifPresent(s -> {
            sql.append(" AND time >= ?");
            args.add(s);
        });
        sql.append(" ORDER BY id DESC LIMIT ").append(q.limit());
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<Decision> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long action = rs.getLong(7);
                    Long actionId = rs.wasNull() ? null : action;
                    result.add(new Decision(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            OutcomeKind.parse(rs.getString(5)).orElse(OutcomeKind.NOT_HELD), rs.getString(6),
                            actionId));
                }
            }
            return result;
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the decision log: " + e.getMessage(), e);
        }
    }
}
