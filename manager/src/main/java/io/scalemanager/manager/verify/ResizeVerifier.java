package io.scalemanager.manager.verify;

import io.micrometer.core.instrument.MeterRegistry;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.actionlog.ActionStatus;
import io.scalemanager.manager.alert.AlertKind;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.alert.Severity;
import io.scalemanager.manager.command.ActionFinisher;
import io.scalemanager.manager.command.SizeCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Checks that a resize took effect: an action whose operation succeeded stays {@code verifying} (holding its
 * lock) until the instance's own latest report of the component's size ({@code cpus}, {@code ram_total_mb},
 * {@code storage_total_gb}) shows the new size, then succeeds with {@code verified_at}. An instance that does not
 * report that type is checked by the provider's reading instead, and the action says so ({@code verified_by}).
 * When the verify timeout passes first the action becomes {@code unverified} and one alert gives the figures; it
 * keeps its lock (no second resize on a VM that never grew) until the size shows or an operator releases it.
 *
 * <p>All state is in the ActionLog, so any manager may check any action and a restart loses nothing; the
 * conditional updates there make one manager win each change.
 */
public final class ResizeVerifier implements SizeCheck, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResizeVerifier.class);

    private final ActionLog actionLog;
    private final ActionFinisher finisher;
    private final AlertLog alerts;
    private final Function<String, Optional<Map<String, Double>>> reports;
    private final Function<String, Optional<Size>> providerSize;
    private final Function<String, Duration> verifyTimeout;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final MeterRegistry registry;

    /**
     * @param reports       the latest value of each type an instance reported (the manager's fleet view), empty for
     *                      an instance this manager has not heard of
     * @param providerSize  the provider's reading of an instance's size (the instance API's GET)
     * @param verifyTimeout per rule name, how long to wait for the size (the rule's {@code verify_timeout}, else
     *                      {@code manager.verify_timeout})
     */
    public ResizeVerifier(ActionLog actionLog, ActionFinisher finisher, AlertLog alerts,
                          Function<String, Optional<Map<String, Double>>> reports,
                          Function<String, Optional<Size>> providerSize, Function<String, Duration> verifyTimeout,
                          Clock clock, MeterRegistry registry) {
        this.registry = registry;
        this.actionLog = actionLog;
        this.finisher = finisher;
        this.alerts = alerts;
        this.reports = reports;
        this.providerSize = providerSize;
        this.verifyTimeout = verifyTimeout;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "resize-verifier");
            t.setDaemon(true);
            return t;
        });
    }

    /** Looks at every action awaiting its size each interval, until {@link #close()}. */
    public void start(Duration interval) {
        scheduler.scheduleWithFixedDelay(this::checkAllSafely, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void expect(Action a) {
        long until = clock.millis() + verifyTimeout.apply(a.rule()).toMillis();
        if (actionLog.verifying(a.id(), until)) {
            log.info("{}: {} done by the provider; verifying until {} that the instance shows {} {}", a.instance(),
                    a.change().describe(), Instant.ofEpochMilli(until), a.toValue(), a.change().component().unit());
            // A look at once: an instance without size reports is confirmed by the provider without a wait.
            if (!scheduler.isShutdown()) {
                scheduler.execute(this::checkAllSafely);
            }
        }
    }

    @Override
    public void needsRestart(Action a, String note) {
        if (!actionLog.needsRestart(a.id(), note)) {
            return;
        }
        Component component = a.change().component();
        String message = String.format("%s: %s %d → %d %s is stored but takes effect at the next restart (%s); "
                        + "restart the VM, or raise its live maximum (docs/operations.md, libvirt) so later changes "
                        + "apply at once. %s stays locked until the VM shows the new size or POST "
                        + "/v1/actions/%d/release", a.instance(), component.wireName(), a.fromValue(), a.toValue(),
                component.unit(), note, component.wireName(), a.id());
        log.warn(message);
        SizeCheck.count(registry, "needs_restart");
        alerts.raise(Severity.WARNING, a.instance(), a.rule(), AlertKind.NEEDS_RESTART, message);
    }

    private void checkAllSafely() {
        try {
            checkAll();
        } catch (RuntimeException e) {
            log.warn("Could not check the actions awaiting their size: {}", e.getMessage());
        }
    }

    /** One pass over the actions awaiting their size. */
    public void checkAll() {
        for (Action a : actionLog.awaitingSize()) {
            check(a);
        }
    }

    private void check(Action a) {
        if (a.toValue() == null) {
            return;
        }
        Component component = a.change().component();
        Optional<Map<String, Double>> reported = reports.apply(a.instance());
        Double value = reported.map(v -> v.get(SizeReports.type(component))).orElse(null);
        if (value != null) {
            if (SizeReports.shows(component, value, a.fromValue(), a.toValue())) {
                verified(a, "instance");
                return;
            }
        } else if (reported.isPresent()) {
            // The instance reports, but not this size type (an old or custom agent): the provider's reading.
            Optional<Size> size = providerSize.apply(a.instance());
            if (size.isPresent() && size.get().get(component) == a.toValue()) {
                verified(a, "provider");
                return;
            }
        }
        if (a.status() == ActionStatus.VERIFYING && a.verifyUntilMs() != null && clock.millis() >= a.verifyUntilMs()) {
            String seen = value != null ? number(value) + " " + component.unit()
                    : reported.isPresent() ? "no " + SizeReports.type(component) + " (and the provider does not show it)"
                    : "nothing (no reports reach this manager)";
            String message = String.format("%s: %s resized to %d %s at %s but the VM still reports %s; the "
                            + "component stays locked until it does or POST /v1/actions/%d/release", a.instance(),
                    component.wireName(), a.toValue(), component.unit(),
                    Instant.ofEpochMilli(a.createdAtMs()), seen, a.id());
            if (actionLog.unverified(a.id(), "not verified: " + message)) {
                log.warn(message);
                SizeCheck.count(registry, "unverified");
                alerts.raise(Severity.WARNING, a.instance(), a.rule(), AlertKind.UNVERIFIED, message);
            }
        }
    }

    private void verified(Action a, String by) {
        if (finisher.verified(a, by).isPresent()) {
            SizeCheck.count(registry, "verified");
        }
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
