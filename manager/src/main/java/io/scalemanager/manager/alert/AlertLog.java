package io.scalemanager.manager.alert;

import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.db.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Raises alerts: writes them to table {@code alert_log} (listed at /v1/alerts) and to the log, and, when channels
 * are configured, hands them to the {@link AlertOutbox} in the same transaction.
 */
public final class AlertLog {
    private static final Logger log = LoggerFactory.getLogger(AlertLog.class);

    private final DataSource dataSource;
    private final Clock clock;
    private final AlertOutbox outbox;

    /** Alerts are recorded and logged only. */
    public AlertLog(DataSource dataSource, Clock clock) {
        this(dataSource, clock, null);
    }

    public AlertLog(DataSource dataSource, Clock clock, AlertOutbox outbox) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.outbox = outbox;
    }

    /** The problem has cleared: channels that were told of it get a "resolved" message. */
    public void resolve(String instance, String rule, AlertKind kind) {
        if (outbox != null) {
            outbox.resolve(instance, rule, kind.wireName());
        }
    }

    /** Learns of the open problems other managers raised, before this one takes over their instances. */
    public void learnOpenProblems() {
        if (outbox != null) {
            outbox.learnOpenProblems();
        }
    }

    public Alert raise(Severity severity, String instance, String rule, AlertKind kind, String message) {
        long now = clock.millis();
        log.warn("ALERT [{}] {}", severity.wireName(), message);
        try {
            return record(now, severity, instance, rule, kind.wireName(), message);
        } catch (DuplicateStateException e) {
            // The same problem raised at the same moment on another thread created its dedup row first: the
            // second try finds that row and is deduplicated against it.
            return record(now, severity, instance, rule, kind.wireName(), message);
        }
    }

    /** Two raises of one new (instance, rule, kind) raced to create its dedup row. */
    private static final class DuplicateStateException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DuplicateStateException(SQLException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private Alert record(long now, Severity severity, String instance, String rule, String kind, String message) {
        try {
            return Transaction.call(dataSource, c -> {
                Alert alert;
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO alert_log (time, severity, instance, rule, kind, message) VALUES (?, ?, ?, ?, ?, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
                    ps.setLong(1, now);
                    ps.setString(2, severity.wireName());
                    ps.setString(3, instance);
                    ps.setString(4, rule);
                    ps.setString(5, kind);
                    ps.setString(6, AlertOutbox.clip(message));
                    ps.executeUpdate();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        keys.next();
                        alert = new Alert(keys.getLong(1), now, severity, instance, rule, kind, message);
                    }
                }
                if (outbox != null) {
                    outbox.offer(c, alert);
                }
                return alert;
            });
        } catch (SQLException e) {
            if (outbox != null && e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                throw new DuplicateStateException(e);
            }
            throw new DatabaseException("cannot record alert: " + e.getMessage(), e);
        }
    }

    /** Newest first. */
    public List<Alert> list(Optional<String> instance, int limit) {
        String sql = "SELECT id, time, severity, instance, rule, kind, message FROM alert_log"
                + (instance.isPresent() ? " WHERE instance = ?" : "") + " ORDER BY id DESC LIMIT ?";
        List<Alert> alerts = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            if (instance.isPresent()) {
                ps.setString(p++, instance.get());
            }
            ps.setInt(p, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    alerts.add(new Alert(rs.getLong(1), rs.getLong(2),
                            Severity.valueOf(rs.getString(3).toUpperCase(Locale.ROOT)), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot list alerts: " + e.getMessage(), e);
        }
        return alerts;
    }
}
