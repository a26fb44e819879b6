package io.scalemanager.manager.fleet;

import io.scalemanager.core.db.DatabaseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The managers sharing one database, and where each answers HTTP. A member renews its row every interval while
 * it lives; one not renewed for three intervals is no longer a peer (a killed manager leaves its row behind,
 * which the next members' renewals delete after an hour).
 */
public final class ManagerRoster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ManagerRoster.class);
    private static final Duration FORGET_AFTER = Duration.ofHours(1);

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration interval;
    private final String member = UUID.randomUUID().toString();
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "manager-roster");
        t.setDaemon(true);
        return t;
    });
    private volatile URI url;
    private volatile boolean renewFailing;

    public ManagerRoster(DataSource dataSource, Clock clock, Duration interval) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.interval = interval;
    }

    /** Joins the roster under the given address and keeps the membership renewed. */
    public ManagerRoster join(URI advertised) {
        enrol(advertised);
        renewals.scheduleWithFixedDelay(this::renewQuietly, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        log.info("Joined the managers' roster as {}", advertised);
        return this;
    }

    /** Adds this member to the roster once, without renewing it later. */
    ManagerRoster enrol(URI advertised) {
        this.url = advertised;
        renew();
        return this;
    }

    /** The addresses of the other live members. */
    public List<URI> peers() {
        long liveSince = clock.millis() - 3 * interval.toMillis();
        List<URI> peers = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT url FROM manager_roster WHERE member <> ? AND seen_at >= ? ORDER BY url")) {
            ps.setString(1, member);
            ps.setLong(2, liveSince);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    peers.add(URI.create(rs.getString(1)));
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the managers' roster: " + e.getMessage(), e);
        }
        return peers;
    }

    void renew() {
        long now = clock.millis();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE manager_roster SET url = ?, seen_at = ? WHERE member = ?")) {
                ps.setString(1, url.toString());
                ps.setLong(2, now);
                ps.setString(3, member);
                if (ps.executeUpdate() == 0) {
                    try (PreparedStatement insert = c.prepareStatement(
                            "INSERT INTO manager_roster (member, url, seen_at) VALUES (?, ?, ?)")) {
                        insert.setString(1, member);
                        insert.setString(2, url.toString());
                        insert.setLong(3, now);
                        insert.executeUpdate();
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM manager_roster WHERE seen_at < ?")) {
                ps.setLong(1, now - FORGET_AFTER.toMillis());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot renew this manager in the roster: " + e.getMessage(), e);
        }
    }

    private void renewQuietly() {
        try {
            renew();
            if (renewFailing) {
                log.info("Renewing this manager in the roster works again");
                renewFailing = false;
            }
        } catch (RuntimeException e) {
            // Once per outage: the database's own outage is reported elsewhere, and peers only miss this member.
            if (!renewFailing) {
                log.warn("Cannot renew this manager in the roster; other managers will not list its instances "
                        + "until it can: {}", e.getMessage());
                renewFailing = true;
            }
        }
    }

    /** Stops renewing and leaves the roster, so peers stop asking at once. */
    @Override
    public void close() {
        renewals.shutdown();
        try {
            // A renewal under way would put the row back after the delete below.
            renewals.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (url == null) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM manager_roster WHERE member = ?")) {
            ps.setString(1, member);
            ps.executeUpdate();
        } catch (SQLException e) {
            log.warn("Cannot leave the managers' roster; peers stop asking this manager after {} s: {}",
                    3 * interval.toSeconds(), e.getMessage());
        }
    }
}
