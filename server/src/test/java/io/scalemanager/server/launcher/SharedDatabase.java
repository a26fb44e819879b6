package io.scalemanager.server.launcher;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads the deployment's shared MariaDB directly: the ActionLog and the EventLog, as an auditor would. */
final class SharedDatabase {
    /** One ActionLog row, as much of it as the tests check. */
    record ActionRow(long id, String instance, String rule, String status, String operation, long eventSeq,
                     Long toValue) {
    }

    private final String url;

    SharedDatabase(String url) {
        this.url = url;
    }

    List<ActionRow> actions(String instancePrefix) throws SQLException {
        List<ActionRow> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "root", "");
             PreparedStatement ps = c.prepareStatement("SELECT id, instance, rule, status, operation, event_seq, "
                     + "to_value FROM action_log WHERE instance LIKE ? ORDER BY id")) {
            ps.setString(1, instancePrefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ActionRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getLong(6), rs.getObject(7) == null ? null : rs.getLong(7)));
                }
            }
        }
        return rows;
    }

    /** The keys ({@link SentState#key()}) of the EventLog's states of instances starting with {@code prefix}. */
    Set<String> eventKeys(String instancePrefix) throws SQLException {
        Set<String> keys = new HashSet<>();
        try (Connection c = DriverManager.getConnection(url, "root", "");
             PreparedStatement ps = c.prepareStatement(
                     "SELECT instance, type, val FROM event_log WHERE instance LIKE ?")) {
            ps.setString(1, instancePrefix + "%");
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(SentState.key(rs.getString(1), rs.getString(2), rs.getDouble(3)));
                }
            }
        }
        return keys;
    }
}
