package io.scalemanager.core.audit;

import io.scalemanager.core.db.DatabaseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit trail, table {@code audit_log}: every changing request and every refused token, with who and from
 * where. Durable (one insert per entry, committed before the answer goes out); archived by the cleaner.
 */
public final class AuditLog {
    private static final Logger log = LoggerFactory.getLogger("io.scalemanager.audit");

    /** One entry; {@code time} in epoch seconds as the API shows it. */
    public record Entry(long time, String who, String client, String action, String target, String result) {
    }

    private final DataSource dataSource;
    private final Clock clock;

    public AuditLog(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Records an entry; a database that cannot take it is logged, the entry still in the log file. */
    public void record(String who, String client, String action, String target, String result) {
        log.info("AUDIT who={} client={} action={} target={} result={}", who, client, action, target, result);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO audit_log (time, who, client, action, target, result) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, clock.millis());
            ps.setString(2, cut(who, 128));
            ps.setString(3, cut(client, 128));
            ps.setString(4, cut(action, 255));
            ps.setString(5, cut(target, 1000));
            ps.setString(6, cut(result, 1000));
            ps.executeUpdate();
        } catch (SQLException e) {
            log.error("AUDIT entry not stored ({}): who={} action={} target={}", e.getMessage(), who, action, target);
        }
    }

    /** Entries at or after {@code sinceSeconds}, newest first, at most limit. */
    public List<Entry> list(long sinceSeconds, int limit) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT time, who, client, action, target, result "
                     + "FROM audit_log WHERE time >= ? ORDER BY time DESC, id DESC LIMIT ?")) {
            ps.setLong(1, sinceSeconds * 1000);
            ps.setInt(2, limit);
            List<Entry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getLong(1) / 1000, rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the audit trail: " + e.getMessage(), e);
        }
    }

    private static String cut(String s, int max) {
        String v = s == null ? "" : s;
        return v.length() <= max ? v : v.substring(0, max);
    }
}
