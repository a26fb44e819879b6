package io.scalemanager.manager.alert;

import io.scalemanager.core.db.DatabaseException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * The right to deliver one alert channel's outbox, held by one dispatcher at a time across every manager on the
 * database, so each message is sent once. A holder renews the lease before every delivery round; when it dies
 * the lease runs out and the next dispatcher to ask takes the channel over.
 */
final class ChannelLease {
    private final DataSource dataSource;
    private final Clock clock;
    private final Duration length;
    private final String holder = UUID.randomUUID().toString();

    ChannelLease(DataSource dataSource, Clock clock, Duration length) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.length = length;
    }

    /** Takes or renews the lease of the channel; false while another dispatcher holds it. */
    boolean hold(String channel) {
        long now = clock.millis();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE alert_channel_lease SET holder = ?, expires_at = ? "
                    + "WHERE channel = ? AND (holder = ? OR expires_at < ?)")) {
                ps.setString(1, holder);
                ps.setLong(2, now + length.toMillis());
                ps.setString(3, channel);
                ps.setString(4, holder);
                ps.setLong(5, now);
                if (ps.executeUpdate() == 1) {
                    return true;
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO alert_channel_lease (channel, holder, expires_at) VALUES (?, ?, ?)")) {
                ps.setString(1, channel);
                ps.setString(2, holder);
                ps.setLong(3, now + length.toMillis());
                ps.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (isDuplicateKey(e)) {
                    return false; // another dispatcher took it first
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot take the lease of alert channel " + channel + ": "
                    + e.getMessage(), e);
        }
    }

    /** Gives the channel up at once (on a clean stop), so another dispatcher need not wait for the expiry. */
    void release(String channel) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM alert_channel_lease WHERE channel = ? AND holder = ?")) {
            ps.setString(1, channel);
            ps.setString(2, holder);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseException("cannot release the lease of alert channel " + channel, e);
        }
    }

    /** H2 and MariaDB report a duplicate primary key with SQLState 23xxx, not always as the subclass. */
    private static boolean isDuplicateKey(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }
}
