package io.scalemanager.manager.alert;

import io.scalemanager.core.time.DurationText;
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
    public static final String STOPPED_REPORTING = "stopped_reporting";
    public static final String MANAGER_BEHIND = "manager_behind";

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
                    alerts.raise(Severity.WARNING, v.instance(), null, STOPPED_REPORTING, String.format(
                            "%s has not reported for %s (last report at %s)", v.instance(),
                            DurationText.format(Duration.ofSeconds(silentMs / 1000)),
                            Instant.ofEpochMilli(v.lastSeenMs())));
                    stoppedRaisedAt.put(v.instance(), now);
                }
            } else if (stoppedRaisedAt.remove(v.instance()) != null) {
                alerts.resolve(v.instance(), null, STOPPED_REPORTING);
            }
        }
        stoppedRaisedAt.keySet().retainAll(seen);
        long lag = lagMillis.getAsLong();
        if (lag > maxLag.toMillis()) {
            if (behindRaisedAt == null || now - behindRaisedAt >= repeat.toMillis()) {
                alerts.raise(Severity.CRITICAL, null, null, MANAGER_BEHIND, String.format(
                        "the manager is %s behind the queue (more than %s); decisions are late",
                        DurationText.format(Duration.ofSeconds(lag / 1000)), DurationText.format(maxLag)));
                behindRaisedAt = now;
            }
        } else if (behindRaisedAt != null) {
            behindRaisedAt = null;
            alerts.resolve(null, null, MANAGER_BEHIND);
        }
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
