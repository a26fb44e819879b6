package io.scalemanager.manager.alert;

import io.scalemanager.core.db.DatabaseException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Silences in table {@code alert_silence}: created with an expiry, listed while they last, deleted early. */
public final class Silences {
    private final DataSource dataSource;
    private final Clock clock;

    public Silences(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    public Silence create(String instances, String rule, String kind, String comment, long endsAtMs) {
        long now = clock.millis();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO alert_silence (instances, rule, kind, comment, created_at, ends_at) VALUES (?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, instances);
            ps.setString(2, rule);
            ps.setString(3, kind);
            ps.setString(4, comment);
            ps.setLong(5, now);
            ps.setLong(6, endsAtMs);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return new Silence(keys.getLong(1), instances, rule, kind, comment, now, endsAtMs);
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot create silence: " + e.getMessage(), e);
        }
    }

    /** Silences that have not ended, oldest first. */
    public List<Silence> active() {
        try (Connection c = dataSource.getConnection()) {
            return active(c, clock.millis());
        } catch (SQLException e) {
            throw new DatabaseException("cannot list silences: " + e.getMessage(), e);
        }
    }

    /** True when a silence was there to delete. */
    public boolean delete(long id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM alert_silence WHERE id = ?")) {
            ps.setLong(1, id);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new DatabaseException("cannot delete silence: " + e.getMessage(), e);
        }
    }

    static List<Silence> active(Connection c, long nowMs) throws SQLException {
        List<Silence> list = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, instances, rule, kind, comment, created_at, ends_at "
                + "FROM alert_silence WHERE ends_at > ? ORDER BY id")) {
            ps.setLong(1, nowMs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new Silence(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getLong(6), rs.getLong(7)));
                }
            }
        }
        return list;
    }

    static boolean silenced(Connection c, String instance, String rule, String kind, long nowMs) throws SQLException {
        for (Silence s : active(c, nowMs)) {
            if (s.matches(instance, rule, kind, nowMs)) {
                return true;
            }
        }
        return false;
    }
}
