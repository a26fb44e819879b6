package io.scalemanager.manager.alert;

import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.db.Transaction;
import io.scalemanager.manager.alert.config.AlertsConfig;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides who is told about an alert, and queues the messages durably in {@code alert_outbox} for the
 * {@link AlertDispatcher}. The same alert (instance, rule, kind) is queued again only after the repeat interval
 * while it persists; a silence keeps it from being queued; when it clears, a "resolved" message follows to the
 * channels that were told. Messages go to the channels the routes choose.
 */
public final class AlertOutbox {
    private final DataSource dataSource;
    private final Clock clock;
    private final AlertsConfig config;
    /** Problems not yet resolved, so that {@link #resolve} costs a map lookup when nothing is open. */
    private final Set<String> open = ConcurrentHashMap.newKeySet();

    public AlertOutbox(DataSource dataSource, Clock clock, AlertsConfig config) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.config = config;
        learnOpenProblems();
    }

    /**
     * Reads which problems are open in the database: at start, and when this manager takes over instances whose
     * problems another manager raised. Only ever adds, so a problem raised meanwhile is not forgotten.
     */
    void learnOpenProblems() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT instance, rule, kind FROM alert_state WHERE resolved_at IS NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                open.add(rs.getString(1) + '\u0000' + rs.getString(2) + '\u0000' + rs.getString(3));
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read alert state: " + e.getMessage(), e);
        }
    }

    /** Called within the transaction that records the alert, so a recorded alert is never lost to the outbox. */
    void offer(Connection c, Alert a) throws SQLException {
        String instance = nz(a.instance());
        String rule = nz(a.rule());
        long now = a.timeMs();
        boolean silenced = Silences.silenced(c, a.instance(), a.rule(), a.kind(), now);
        Long notifiedAt = null;
        boolean exists = false;
        boolean resolved = false;
        try (PreparedStatement ps = c.prepareStatement("SELECT notified_at, resolved_at FROM alert_state "
                + "WHERE instance = ? AND rule = ? AND kind = ? FOR UPDATE")) {
            ps.setString(1, instance);
            ps.setString(2, rule);
            ps.setString(3, a.kind());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    exists = true;
                    notifiedAt = rs.getObject(1, Long.class);
                    resolved = rs.getObject(2) != null;
                }
            }
        }
        boolean notify;
        if (!exists || resolved) {
            notify = !silenced;
        } else {
            notify = !silenced && (notifiedAt == null || now - notifiedAt >= config.repeatInterval().toMillis());
        }
        Long newNotifiedAt = notify ? Long.valueOf(now) : (!exists || resolved) ? null : notifiedAt;
        String message = clip(a.message());
        if (!exists) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_state (instance, rule, kind, severity, "
                    + "message, first_time, last_time, notified_at, resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)")) {
                ps.setString(1, instance);
                ps.setString(2, rule);
                ps.setString(3, a.kind());
                ps.setString(4, a.severity().wireName());
                ps.setString(5, message);
                ps.setLong(6, now);
                ps.setLong(7, now);
                ps.setObject(8, newNotifiedAt);
                ps.executeUpdate();
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement("UPDATE alert_state SET severity = ?, message = ?, "
                    + "first_time = CASE WHEN resolved_at IS NULL THEN first_time ELSE ? END, last_time = ?, "
                    + "notified_at = ?, resolved_at = NULL WHERE instance = ? AND rule = ? AND kind = ?")) {
                ps.setString(1, a.severity().wireName());
                ps.setString(2, message);
                ps.setLong(3, now);
                ps.setLong(4, now);
                ps.setObject(5, newNotifiedAt);
                ps.setString(6, instance);
                ps.setString(7, rule);
                ps.setString(8, a.kind());
                ps.executeUpdate();
            }
        }
        if (notify) {
            enqueue(c, a.id(), "firing", now, a.severity(), a.instance(), a.rule(), a.kind(), message);
        }
        open.add(key(instance, rule, a.kind()));
    }

    /**
     * The problem (instance, rule, kind) has cleared: channels that were told about it are told it is resolved.
     * Cheap when it was not open.
     */
    public void resolve(String instanceOrNull, String ruleOrNull, String kind) {
        if (open.isEmpty()) {
            return; // the usual case, asked on every event of an alert rule: no allocation
        }
        String instance = nz(instanceOrNull);
        String rule = nz(ruleOrNull);
        if (!open.remove(key(instance, rule, kind))) {
            return;
        }
        long now = clock.millis();
        try {
            Transaction.run(dataSource, c -> {
                String severity = null;
                String message = null;
                Long notifiedAt = null;
                try (PreparedStatement ps = c.prepareStatement("SELECT severity, message, notified_at FROM alert_state"
                        + " WHERE instance = ? AND rule = ? AND kind = ? AND resolved_at IS NULL FOR UPDATE")) {
                    ps.setString(1, instance);
                    ps.setString(2, rule);
                    ps.setString(3, kind);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            severity = rs.getString(1);
                            message = rs.getString(2);
                            notifiedAt = rs.getObject(3, Long.class);
                        }
                    }
                }
                if (severity != null) {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE alert_state SET resolved_at = ? "
                            + "WHERE instance = ? AND rule = ? AND kind = ?")) {
                        ps.setLong(1, now);
                        ps.setString(2, instance);
                        ps.setString(3, rule);
                        ps.setString(4, kind);
                        ps.executeUpdate();
                    }
                    // Only people who heard of the problem hear that it is over, and not while it is silenced.
                    if (notifiedAt != null && !Silences.silenced(c, instanceOrNull, ruleOrNull, kind, now)) {
                        enqueue(c, null, "resolved", now, Severity.valueOf(severity.toUpperCase(java.util.Locale.ROOT)),
                                instanceOrNull, ruleOrNull, kind, message);
                    }
                }
            });
        } catch (SQLException e) {
            open.add(key(instance, rule, kind));
            throw new DatabaseException("cannot resolve alert: " + e.getMessage(), e);
        }
    }

    private void enqueue(Connection c, Long alertId, String status, long now, Severity severity, String instance,
                         String rule, String kind, String message) throws SQLException {
        long dueAt = now + config.groupWindow().toMillis();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_outbox (channel, status, alert_id, time, "
                + "severity, instance, rule, kind, message, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (String channel : config.channelsFor(severity, instance)) {
                ps.setString(1, channel);
                ps.setString(2, status);
                ps.setObject(3, alertId);
                ps.setLong(4, now);
                ps.setString(5, severity.wireName());
                ps.setString(6, instance);
                ps.setString(7, rule);
                ps.setString(8, kind);
                ps.setString(9, message);
                ps.setLong(10, dueAt);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static String key(String instance, String rule, String kind) {
        return instance + '\u0000' + rule + '\u0000' + kind;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    static String clip(String message) {
        return message.length() > 4000 ? message.substring(0, 3999) + "…" : message;
    }
}
