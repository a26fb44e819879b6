package io.scalemanager.manager.pause;

import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.manager.rules.Rule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Pauses in table {@code rule_pause}, shared by every manager on the database. Each manager keeps the pauses not
 * yet ended in memory and reads them again every {@code refresh}, so a pause made through one manager holds on
 * all of them within that time (at once on the manager that made it), and the per-event question "is this rule
 * paused here?" costs no database round trip. A pause ends by itself at its {@code until}; deleting one ends it
 * at once (its row stays, with its {@code until} set to the moment of the deletion), so the table keeps when each
 * pause was in force and a backtest replays them.
 */
public final class Pauses implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pauses.class);

    private final DataSource dataSource;
    private final Clock clock;
    private volatile List<Pause> active = List.of();
    private ScheduledExecutorService refresher;

    public Pauses(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Reads the pauses now, then again every {@code refresh}. */
    public synchronized Pauses start(Duration refresh) {
        refresh();
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pause-refresh");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(() -> {
            try {
                refresh();
            } catch (RuntimeException e) {
                log.warn("Could not read the pauses; keeping the {} known: {}", active.size(), e.getMessage());
            }
        }, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The pause covering the rule on the instance at nowMs (the one ending last), or null. */
    public Pause covering(String instance, Rule rule, long nowMs) {
        return covering(active, instance, rule, nowMs);
    }

    /** Of {@code known}, the pause covering the rule on the instance at nowMs (the one ending last), or null. */
    public static Pause covering(List<Pause> known, String instance, Rule rule, long nowMs) {
        Pause found = null;
        for (int i = 0; i < known.size(); i++) {
            Pause p = known.get(i);
            if (p.covers(instance, rule.name(), nowMs) && (found == null || p.untilMs() > found.untilMs())) {
                found = p;
            }
        }
        return found;
    }

    public Pause create(String instances, String rule, long untilMs, String comment, String createdBy) {
        long now = clock.millis();
        Pause created;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO rule_pause (instances, rule, until_ms, note, created_at, created_by) "
                        + "VALUES (?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, instances);
            ps.setString(2, rule);
            ps.setLong(3, untilMs);
            ps.setString(4, comment);
            ps.setLong(5, now);
            ps.setString(6, createdBy);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                created = new Pause(keys.getLong(1), InstancePattern.parse(instances), rule, untilMs, comment, now,
                        createdBy);
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot create the pause: " + e.getMessage(), e);
        }
        refreshQuietly();
        return created;
    }

    /**
     * Ends the pause now; true when a pause that had not ended was there. The row is kept with its new end, so the
     * table still tells when the pause was in force.
     */
    public boolean delete(long id) {
        long now = clock.millis();
        boolean deleted;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE rule_pause SET until_ms = ? WHERE id = ? AND until_ms > ?")) {
            ps.setLong(1, now);
            ps.setLong(2, id);
            ps.setLong(3, now);
            deleted = ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new DatabaseException("cannot delete the pause: " + e.getMessage(), e);
        }
        refreshQuietly();
        return deleted;
    }

    /** The pauses that have not ended, oldest first, read from the database. */
    public List<Pause> list() {
        return read(Long.MAX_VALUE, clock.millis());
    }

    /**
     * Every pause in force at some moment of [fromMs, toMs), ended ones included (expired, or deleted, which ends
     * a pause at the moment of its deletion), oldest first: what a backtest of that range replays.
     */
    public List<Pause> during(long fromMs, long toMs) {
        return read(toMs, fromMs);
    }

    /** The pauses created before {@code createdBeforeMs} and ending after {@code endingAfterMs}. */
    private List<Pause> read(long createdBeforeMs, long endingAfterMs) {
        List<Pause> list = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, instances, rule, until_ms, note, created_at, created_by FROM rule_pause "
                        + "WHERE until_ms > ? AND created_at < ? ORDER BY id")) {
            ps.setLong(1, endingAfterMs);
            ps.setLong(2, createdBeforeMs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new Pause(rs.getLong(1), InstancePattern.parse(rs.getString(2)), rs.getString(3),
                            rs.getLong(4), rs.getString(5), rs.getLong(6), rs.getString(7)));
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot list the pauses: " + e.getMessage(), e);
        }
        return list;
    }

    /** Reads the pauses not yet ended into memory. */
    public void refresh() {
        active = List.copyOf(list());
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("Could not read the pauses after a change: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }
}
