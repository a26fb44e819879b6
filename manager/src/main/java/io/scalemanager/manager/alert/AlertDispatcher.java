package io.scalemanager.manager.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.scalemanager.core.web.ReadinessCheck;
import io.scalemanager.manager.alert.channel.DeliveryException;
import io.scalemanager.manager.alert.channel.Notification;
import io.scalemanager.manager.alert.channel.Notifier;
import io.scalemanager.retry.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Drains {@code alert_outbox}, one thread per channel so a channel that is down or slow delays only its own
 * messages. Once the oldest pending message of a channel has waited out its grouping window, everything pending
 * for that channel goes out as one {@link Notification}. A failed delivery is retried with exponential backoff;
 * until a delivery succeeds again the channel is reported unavailable in {@code /ready} and
 * {@code scalemanager_alerts_channel_up} is 0. A message is marked sent right after its channel took it, so it
 * is delivered once, unless the process dies between the two (then it is delivered again).
 */
public final class AlertDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertDispatcher.class);
    private static final int BATCH = 100;
    /** Long next to the one-second delivery rounds, so a busy database does not make a holder lose it. */
    private static final Duration LEASE = Duration.ofSeconds(30);
    /** Sent messages stay this long in the outbox, for looking into what was sent. */
    public static final Duration KEEP_SENT = Duration.ofDays(7);

    private final DataSource dataSource;
    private final Clock clock;
    private final Backoff backoff;
    private final Map<String, Channel> channels = new LinkedHashMap<>();
    private final ChannelLease lease;
    private ScheduledExecutorService scheduler;

    private static final class Channel {
        final Notifier notifier;
        final Counter sent;
        final Counter failures;
        volatile int failed;       // deliveries failed in a row
        volatile long retryAtMs;
        volatile String lastError;
        volatile int pending;

        Channel(Notifier notifier, Counter sent, Counter failures) {
            this.notifier = notifier;
            this.sent = sent;
            this.failures = failures;
        }
    }

    public AlertDispatcher(DataSource dataSource, Clock clock, List<Notifier> notifiers, Duration firstBackoff,
                           Duration maxBackoff, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.backoff = new Backoff(firstBackoff, maxBackoff);
        this.lease = new ChannelLease(dataSource, clock, LEASE);
        for (Notifier n : notifiers) {
            Channel ch = new Channel(n,
                    Counter.builder("scalemanager_alerts_sent").description("Alert messages delivered, by channel")
                            .tag("channel", n.name()).register(registry),
                    Counter.builder("scalemanager_alerts_delivery_failures")
                            .description("Failed attempts to deliver an alert message, by channel")
                            .tag("channel", n.name()).register(registry));
            channels.put(n.name(), ch);
            Gauge.builder("scalemanager_alerts_channel_up", ch, c -> c.failed == 0 ? 1 : 0)
                    .description("1 while the channel's last delivery succeeded, 0 after a failure")
                    .tag("channel", n.name()).register(registry);
            Gauge.builder("scalemanager_alerts_pending", ch, c -> c.pending).tag("channel", n.name())
                    .description("Alert messages waiting to be delivered, by channel").register(registry);
        }
    }

    /** Drains every channel every {@code tick}, each on its own thread. */
    public AlertDispatcher start(Duration tick) {
        scheduler = Executors.newScheduledThreadPool(channels.size() + 1, r -> {
            Thread t = new Thread(r, "alert-dispatcher");
            t.setDaemon(true);
            return t;
        });
        for (String name : channels.keySet()) {
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    drain(name);
                } catch (RuntimeException e) {
                    log.warn("Alert channel {}: {}", name, e.getMessage());
                }
            }, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
        }
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                purgeSent(KEEP_SENT);
            } catch (RuntimeException e) {
                log.warn("Alert outbox: {}", e.getMessage());
            }
        }, 1, 60, TimeUnit.MINUTES);
        return this;
    }

    /** Deletes sent messages older than {@code keep}, so the outbox does not grow without end; returns how many. */
    public int purgeSent(Duration keep) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM alert_outbox WHERE sent_at IS NOT NULL AND sent_at < ?")) {
            ps.setLong(1, clock.millis() - keep.toMillis());
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new io.scalemanager.core.db.DatabaseException("cannot purge the alert outbox: " + e.getMessage(), e);
        }
    }

    /** One round over every channel, on the calling thread (what the scheduler does per channel). */
    public void drainOnce() {
        for (String name : channels.keySet()) {
            drain(name);
        }
    }

    /** True while the channel's last delivery succeeded (or nothing was sent yet). */
    public boolean channelUp(String name) {
        Channel ch = channels.get(name);
        return ch != null && ch.failed == 0;
    }

    /** One readiness check per channel, named {@code alerts.NAME}. */
    public List<ReadinessCheck> readinessChecks() {
        List<ReadinessCheck> checks = new ArrayList<>();
        for (String name : channels.keySet()) {
            checks.add(new ReadinessCheck() {
                @Override
                public String name() {
                    return "alerts." + name;
                }

                @Override
                public boolean ready() {
                    return channelUp(name);
                }
            });
        }
        return checks;
    }

    private void drain(String name) {
        Channel ch = channels.get(name);
        if (!lease.hold(name)) {
            return; // another manager delivers this channel
        }
        while (true) {
            long now = clock.millis();
            if (now < ch.retryAtMs) {
                return;
            }
            List<Long> ids = new ArrayList<>();
            List<Notification.Item> items = new ArrayList<>();
            long oldestDue = pending(name, ids, items);
            ch.pending = ids.size();
            if (ids.isEmpty() || oldestDue > now) {
                return;
            }
            try {
                ch.notifier.send(new Notification(items));
            } catch (DeliveryException | RuntimeException e) {
                String error = String.valueOf(e.getMessage());
                ch.failed++;
                ch.failures.increment();
                long waitMs = backoff.delay(ch.failed - 1).toMillis();
                ch.retryAtMs = now + waitMs;
                if (!error.equals(ch.lastError)) {
                    log.warn("Alert channel {} did not take {} alert(s): {}; trying again in {} s", name, ids.size(),
                            error, waitMs / 1000);
                }
                ch.lastError = error;
                markFailed(ids, error);
                return;
            }
            markSent(ids, now);
            ch.sent.increment(ids.size());
            ch.pending = 0;
            if (ch.failed > 0) {
                log.info("Alert channel {} is back after {} failed deliveries", name, ch.failed);
            }
            ch.failed = 0;
            ch.lastError = null;
            if (ids.size() < BATCH) {
                return;
            }
        }
    }

    /** Fills ids and items with the channel's oldest unsent messages; returns the due time of the oldest. */
    private long pending(String channel, List<Long> ids, List<Notification.Item> items) {
        long oldestDue = Long.MAX_VALUE;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, status, time, severity, instance, rule, kind, message, due_at FROM alert_outbox "
                        + "WHERE channel = ? AND sent_at IS NULL ORDER BY id LIMIT " + BATCH)) {
            ps.setString(1, channel);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                    items.add(new Notification.Item(rs.getLong(3),
                            Severity.valueOf(rs.getString(4).toUpperCase(Locale.ROOT)), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8), "resolved".equals(rs.getString(2))));
                    oldestDue = Math.min(oldestDue, rs.getLong(9));
                }
            }
        } catch (SQLException e) {
            throw new io.scalemanager.core.db.DatabaseException("cannot read the alert outbox: " + e.getMessage(), e);
        }
        return oldestDue;
    }

    private void markSent(List<Long> ids, long now) {
        update("UPDATE alert_outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?", ids,
                ps -> ps.setLong(1, now));
    }

    private void markFailed(List<Long> ids, String error) {
        String e = error == null ? "" : error.length() > 1000 ? error.substring(0, 1000) : error;
        update("UPDATE alert_outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?", ids,
                ps -> ps.setString(1, e));
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private void update(String sql, List<Long> ids, Binder first) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (long id : ids) {
                first.bind(ps);
                ps.setLong(2, id);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new io.scalemanager.core.db.DatabaseException("cannot update the alert outbox: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String name : channels.keySet()) {
            try {
                lease.release(name);
            } catch (RuntimeException e) {
                log.debug("Could not release alert channel {}: {}", name, e.getMessage());
            }
        }
    }
}
