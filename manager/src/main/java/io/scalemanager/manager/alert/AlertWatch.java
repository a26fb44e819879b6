package io.scalemanager.manager.alert;

import io.scalemanager.manager.fleet.Fleet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Raises the alerts nobody's event triggers: an instance that stopped reporting ({@code stopped_reporting}) and
 * the manager falling behind its queue ({@code manager_behind}); and resolves them when they clear. While a
 * problem lasts it is raised again once per repeat interval, so the outbox repeats it then.
 */
public final class AlertWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertWatch.class);

    private final AlertLog alerts;
    private final Fleet fleet;
    private final LongSupplier lagMillis;
    private final Clock clock;
    private final Duration stoppedAfter;
    private final Duration maxLag;
    private final Duration repeat;
    private final Map<String, Long> stoppedRaisedAt = new HashMap<>();
    private Long behindRaisedAt;
    private ScheduledExecutorService scheduler;

    public AlertWatch(AlertLog alerts, Fleet fleet, LongSupplier lagMillis, Clock clock, Duration stoppedAfter,
                      Duration maxLag, Duration repeat) {
        this.alerts = alerts;
        this.fleet = fleet;
        this.lagMillis = lagMillis;
        this.clock = clock;
        this.stoppedAfter = stoppedAfter;
        this.maxLag = maxLag;
        this.repeat = repeat;
    }

    public AlertWatch start(Duration tick) {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "alert-watch");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                checkOnce();
            } catch (RuntimeException e) {
                log.warn("Alert watch: {}", e.getMessage());
            }
        }, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One look at the fleet and the queue. */
    public synchronized void checkOnce() {
        long now = clock.millis();
        Set<String> seen = new HashSet<>();
        for (Fleet.InstanceView v : fleet.list(null, Integer.MAX_VALUE)) {
            seen.add(v.instance());
            long silentMs = now - v.lastSeenMs();
            if (silentMs > stoppedAfter.toMillis()) {
                Long raised = stoppedRaisedAt.get(v.instance());
                if (raised == null || now - raised >= repeat.toMillis()) {
                    alerts.raise(Severity.WARNING, v.instance(), null, AlertKind.STOPPED_REPORTING, String.format(
                            "%s has not reported for %s (last report at %s)", v.instance(),
                            human(silentMs),
                            Instant.ofEpochMilli(v.lastSeenMs())));
                    stoppedRaisedAt.put(v.instance(), now);
                }
            } else if (stoppedRaisedAt.remove(v.instance()) != null) {
                alerts.resolve(v.instance(), null, AlertKind.STOPPED_REPORTING);
            }
        }
        stoppedRaisedAt.keySet().retainAll(seen);
        long lag = lagMillis.getAsLong();
        if (lag > maxLag.toMillis()) {
            if (behindRaisedAt == null || now - behindRaisedAt >= repeat.toMillis()) {
                alerts.raise(Severity.CRITICAL, null, null, AlertKind.MANAGER_BEHIND, String.format(
                        "the manager is %s behind the queue (more than %s); decisions are late",
                        human(lag), human(maxLag.toMillis())));
                behindRaisedAt = now;
            }
        } else if (behindRaisedAt != null) {
            behindRaisedAt = null;
            alerts.resolve(null, null, AlertKind.MANAGER_BEHIND);
        }
    }

    /** 5m1s, 1h2m, 40s: read by people, so in hours, minutes and seconds. */
    static String human(long ms) {
        long s = ms / 1000;
        StringBuilder sb = new StringBuilder();
        if (s >= 3600) {
            sb.append(s / 3600).append('h');
        }
        if (s % 3600 >= 60) {
            sb.append(s % 3600 / 60).append('m');
        }
        if (s % 60 > 0 || sb.length() == 0) {
            sb.append(s % 60).append('s');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
