package io.scalemanager.manager.rollback;

import io.micrometer.core.instrument.MeterRegistry;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.actionlog.NewAction;
import io.scalemanager.manager.actionlog.StartResult;
import io.scalemanager.manager.alert.AlertKind;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.alert.Severity;
import io.scalemanager.manager.command.SizeCheck;
import io.scalemanager.manager.rules.Condition;
import io.scalemanager.manager.rules.Rollback;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.Ruleset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Rolls back a resize that made things worse: for a rule with {@code rollback: {when, within}}, a succeeded action
 * of it whose condition then holds on the instance's reports (measured after the resize took effect, within
 * {@code within}) is undone by one action back to the exact size before it, with reason "rollback of action N:
 * COND held", {@code rollback_of} set and an alert. The rollback's cooldown blocks the rule in every direction.
 *
 * <p>Everything it goes by is in the ActionLog (the succeeded action, its sizes and end) and the unique
 * {@code rollback_of} makes the rollback exactly one, whichever manager sees the condition and however often a
 * restarted manager looks again. It runs on its own thread, off every partition's rule evaluation.
 */
public final class RollbackWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RollbackWatch.class);

    private final ActionLog actionLog;
    private final Supplier<Ruleset> rules;
    private final BiFunction<String, Long, Map<String, Double>> latestSince;
    private final Consumer<Action> execute;
    private final AlertLog alerts;
    private final Clock clock;
    private final MeterRegistry registry;
    private final ScheduledExecutorService scheduler;

    /**
     * @param latestSince the latest value of each type an instance reported at or after a time (the fleet view)
     * @param execute     carries out a started rollback (the command executor)
     */
    public RollbackWatch(ActionLog actionLog, Supplier<Ruleset> rules,
                         BiFunction<String, Long, Map<String, Double>> latestSince, Consumer<Action> execute,
                         AlertLog alerts, Clock clock, MeterRegistry registry) {
        this.actionLog = actionLog;
        this.rules = rules;
        this.latestSince = latestSince;
        this.execute = execute;
        this.alerts = alerts;
        this.clock = clock;
        this.registry = registry;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rollback-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /** Looks each interval, until {@link #close()}. */
    public RollbackWatch start(Duration interval) {
        scheduler.scheduleWithFixedDelay(this::checkAllSafely, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    private void checkAllSafely() {
        try {
            checkAll();
        } catch (RuntimeException e) {
            log.warn("Could not look for resizes to roll back: {}", e.getMessage());
        }
    }

    /** One look at the succeeded actions of rules with a rollback, still within their {@code within}. */
    public void checkAll() {
        Ruleset ruleset = rules.get();
        Duration longest = Duration.ZERO;
        for (Rule r : ruleset.rules()) {
            Rollback rb = r.checks().rollback();
            if (rb != null && rb.within().compareTo(longest) > 0) {
                longest = rb.within();
            }
        }
        if (longest.isZero()) {
            return;
        }
        long now = clock.millis();
        for (Action a : actionLog.rollbackCandidates(now - longest.toMillis())) {
            Optional<Rule> rule = ruleset.rule(a.rule());
            Rollback rollback = rule.map(r -> r.checks().rollback()).orElse(null);
            if (rollback == null || a.fromValue() == null || a.toValue() == null || a.finishedAtMs() == null
                    || a.fromValue().equals(a.toValue()) || now > a.finishedAtMs() + rollback.within().toMillis()) {
                continue;
            }
            Map<String, Double> latest = latestSince.apply(a.instance(), a.finishedAtMs());
            if (rollback.holds(latest)) {
                rollBack(a, rule.get(), rollback, latest, now);
            }
        }
    }

    private void rollBack(Action a, Rule rule, Rollback rollback, Map<String, Double> latest, long now) {
        Component component = a.change().component();
        String reason = "rollback of action " + a.id() + ": " + rollback.when().describe() + " held";
        Condition first = rollback.when().conditions().get(0);
        // The trigger is the action it undoes (negative, never an EventLog position), so the trigger key of the
        // ActionLog is one per undone action too.
        Event trigger = new Event(-a.id(), new State(a.instance(), first.type(),
                latest.getOrDefault(first.type(), Double.NaN), now));
        StartResult started = actionLog.startRollback(a.id(), new NewAction(a.rule(),
                new Change(component, ChangeMode.ABS, a.fromValue()), reason, rule.cooldown(), trigger));
        if (!(started instanceof StartResult.Started s)) {
            return; // rolled back already (another manager, or this one before a restart), or a resize runs
        }
        Action back = s.action();
        String message = String.format("%s: %s within %s after action %d (%s %d → %d %s); resizing back to %d %s "
                        + "(action %d); rule %s waits its cooldown", a.instance(), reason,
                DurationText.format(rollback.within()), a.id(), component.wireName(),
                a.fromValue(), a.toValue(), component.unit(), a.fromValue(), component.unit(), back.id(), a.rule());
        log.warn(message);
        SizeCheck.count(registry, "rolled_back");
        try {
            alerts.raise(Severity.WARNING, a.instance(), a.rule(), AlertKind.ROLLBACK, message);
        } catch (RuntimeException e) {
            log.error("Could not record alert: {}", message, e);
        }
        execute.accept(back);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
