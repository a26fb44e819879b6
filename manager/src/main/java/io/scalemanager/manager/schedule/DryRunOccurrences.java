package io.scalemanager.manager.schedule;

import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.db.Transaction;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.manager.decision.Decision;
import io.scalemanager.manager.decision.DecisionLog;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The schedules' dry-run occurrences recorded, table {@code schedule_dry_run}: what makes a dry occurrence recorded
 * once per instance and component across restarts ({@code kill -9} included) and managers, as the ActionLog's
 * unique key on the occurrence does for a live one. A dry run writes no action, so its {@code would_fire} row is
 * written here, in the transaction that takes the occurrence's key: either both are in the database or neither,
 * and a manager that comes back within the catch-up finds the key and records nothing again.
 */
public final class DryRunOccurrences {
    private final DataSource dataSource;

    /** One occurrence of a schedule on an instance's component. */
    public record Key(long occurrenceMs, String schedule, String instance, Component component) {
    }

    public DryRunOccurrences(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Whether the occurrence was recorded, by this manager before a restart or by another. */
    public boolean recorded(Key key) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM schedule_dry_run WHERE occurrence = ? AND schedule = ? AND instance = ? "
                        + "AND component = ?")) {
            bind(ps, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the dry runs of schedule " + key.schedule() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Records the occurrence with its {@code would_fire} decision in one transaction; false, writing nothing, when
     * it was recorded already (another manager came first).
     */
    public boolean record(Key key, Decision wouldFire) {
        try {
            return Transaction.call(dataSource, c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO schedule_dry_run (occurrence, schedule, "
                        + "instance, component) VALUES (?, ?, ?, ?)")) {
                    bind(ps, key);
                    ps.executeUpdate();
                }
                DecisionLog.insert(c, List.of(wouldFire));
                return true;
            });
        } catch (SQLException e) {
            // H2 and MariaDB report the primary key taken with SQLState 23xxx, not always as the subclass.
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                return false;
            }
            throw new DatabaseException("cannot record the dry run of schedule " + key.schedule() + " on "
                    + key.instance() + ": " + e.getMessage(), e);
        }
    }

    /** Forgets the occurrences before the moment: past every catch-up, they can never be due again. */
    public int forgetBefore(long occurrenceMs) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM schedule_dry_run WHERE occurrence < ?")) {
            ps.setLong(1, occurrenceMs);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseException("cannot forget old dry runs of schedules: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, Key key) throws SQLException {
        ps.setLong(1, key.occurrenceMs());
        ps.setString(2, key.schedule());
        ps.setString(3, key.instance());
        ps.setString(4, key.component().wireName());
    }
}
