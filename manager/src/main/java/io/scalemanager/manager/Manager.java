package io.scalemanager.manager;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.state.Event;
import io.scalemanager.manager.actionlog.ActionLocks;
import io.scalemanager.manager.actionlog.Direction;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.actionlog.NewAction;
import io.scalemanager.manager.actionlog.StartResult;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.alert.RuleAlertThrottle;
import io.scalemanager.manager.alert.Severity;
import io.scalemanager.manager.command.CommandExecutor;
import io.scalemanager.manager.decide.Decider;
import io.scalemanager.manager.decide.Decision;
import io.scalemanager.manager.fleet.Fleet;
import io.scalemanager.manager.rules.Budget;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.RuleAction;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.window.Windows;
import io.scalemanager.queue.EventHandler;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The manager's handling of one event: remember it in the fleet view and its window, ask the {@link Decider}
 * which rules fire, and for each start an action in the ActionLog (which takes the lock of the instance's
 * component) and hand it to the {@link CommandExecutor}, or raise the rule's alert. Each queue partition has
 * its own windows and is handled by one thread, so windows need no locks.
 *
 * <p>Rules without a {@code max_gap} of their own use {@code maxGap} ({@code manager.max_gap}): a longer silence
 * between two samples breaks a run. Events older than the configured maximum age (an agent draining hours of buffered reports, a replay after
 * a long stop) still fill the windows but decide nothing: resizing on what was true an hour ago helps no one.
 */
public final class Manager implements EventHandler {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Manager.class);
    private final Ruleset ruleset;
    private final Windows[] windows;
    private final Decider decider;
    private final ActionLog actionLog;
    private final ActionLocks locks;
    private final CommandExecutor executor;
    private final AlertLog alerts;
    private final RuleAlertThrottle alertThrottle = new RuleAlertThrottle();
    private final Fleet fleet;
    private final Clock clock;
    private final Counter events;
    private final Counter fired;
    private final Counter tooOld;
    private final Counter overBudget;
    private final long maxEventAgeMs;
    public static final Duration DEFAULT_FORGET_AFTER = Duration.ofDays(7);
    private final long forgetAfterMs;
    /** Per partition, when its thread next looks for silent instances; each entry is touched by its thread only. */
    private final long[] nextSweepMs;

    public Manager(Ruleset ruleset, int partitions, ActionLog actionLog, ActionLocks locks, CommandExecutor executor,
                   AlertLog alerts, Fleet fleet, Clock clock, Duration maxEventAge, Duration maxGap,
                   MeterRegistry registry) {
        this(ruleset, partitions, actionLog, locks, executor, alerts, fleet, clock, maxEventAge, maxGap,
                DEFAULT_FORGET_AFTER, registry);
    }

    /**
     * @param forgetAfter instances silent this long leave the windows and the fleet view, so ids that come and go
     *                    do not grow the manager's memory without bound
     */
    public Manager(Ruleset ruleset, int partitions, ActionLog actionLog, ActionLocks locks, CommandExecutor executor,
                   AlertLog alerts, Fleet fleet, Clock clock, Duration maxEventAge, Duration maxGap,
                   Duration forgetAfter, MeterRegistry registry) {
        this.forgetAfterMs = forgetAfter.toMillis();
        this.nextSweepMs = new long[partitions];
        this.decider = new Decider(maxGap);
        this.ruleset = ruleset;
        this.windows = new Windows[partitions];
        for (int p = 0; p < partitions; p++) {
            windows[p] = new Windows(ruleset);
        }
        this.actionLog = actionLog;
        this.locks = locks;
        this.executor = executor;
        this.alerts = alerts;
        this.fleet = fleet;
        this.clock = clock;
        this.events = Counter.builder("scalemanager_manager_events").description("Events the manager handled")
                .register(registry);
        this.fired = Counter.builder("scalemanager_manager_rules_fired")
                .description("Rules that held and started an action or raised an alert").register(registry);
        this.tooOld = Counter.builder("scalemanager_manager_events_too_old")
                .description("Events not decided on because they were older than manager.max_event_age")
                .register(registry);
        this.overBudget = Counter.builder("scalemanager_manager_rules_over_budget")
                .description("Rules that held but did not act because a change budget was spent").register(registry);
        FunctionCounter.builder("scalemanager_manager_rules_outside_schedule", decider, Decider::outsideSchedule)
                .description("Rule evaluations outside the rule's active times").register(registry);
        this.maxEventAgeMs = maxEventAge.toMillis();
    }

    /** Empties the windows of a partition: it moved to another manager, or is about to be warmed afresh. */
    public void forget(int partition) {
        windows[partition] = new Windows(ruleset);
    }

    /** Adds a past event to the windows without deciding anything: warming up after a start. */
    public void warm(int partition, Event event) {
        fleet.record(event);
        if (ruleset.types().contains(event.state().type())) {
            windows[partition].add(event.state());
        }
    }

    @Override
    public void handle(int partition, Event event) {
        events.increment();
        forgetSilentIfDue(partition);
        fleet.record(event);
        String type = event.state().type();
        if (!ruleset.types().contains(type)) {
            return;
        }
        Windows partitionWindows = windows[partition];
        partitionWindows.add(event.state());
        List<Rule> rules = ruleset.rulesFor(event.instance(), type);
        if (rules.isEmpty()) {
            return;
        }
        if (clock.millis() - event.state().timestampMs() > maxEventAgeMs) {
            tooOld.increment();
            return;
        }
        List<Decision> decisions = decider.decide(event, partitionWindows, rules);
        for (int i = 0; i < decisions.size(); i++) {
            act(decisions.get(i));
        }
        // A rule that raises an alert resolves it when its condition no longer matches the latest samples.
        long asOf = event.state().timestampMs();
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            if (r.then() instanceof RuleAction.RaiseAlert && !partitionWindows.matchesLatest(event.instance(), r, asOf)) {
                resolveRuleAlert(event.instance(), r.name());
            }
        }
    }

    /** On the partition's own thread, as its windows need: a minute apart, cheap in between. */
    private void forgetSilentIfDue(int partition) {
        long now = clock.millis();
        if (now < nextSweepMs[partition]) {
            return;
        }
        nextSweepMs[partition] = now + Math.max(1000, Math.min(60_000, forgetAfterMs / 2));
        long cutoff = now - forgetAfterMs;
        int forgotten = windows[partition].forgetSilentSince(cutoff);
        // The fleet view is shared (and concurrent): any partition may sweep it; a few sweeps a minute are cheap.
        forgotten += fleet.forgetSilentSince(cutoff);
        if (forgotten > 0) {
            log.info("Forgot {} instance(s) silent since before {} (manager.forget_after)", forgotten,
                    java.time.Instant.ofEpochMilli(cutoff));
        }
    }

    /** A rule held but a change budget is spent: outcome "budget", and one alert per budget period. */
    private void overBudget(Decision d, StartResult.OverBudget over, long now) {
        overBudget.increment();
        locks.rememberOverBudget(over.budget(), over.untilMs(), now);
        log.info("{}: rule {} held ({}) but does not act: {} (outcome budget)", d.event().instance(),
                d.rule().name(), d.reason(), over.reason());
        if (over.alert()) {
            alerts.raise(Severity.WARNING, d.event().instance(), d.rule().name(), "budget", over.reason()
                    + "; rules that hold on its instances wait (first held: rule " + d.rule().name() + " on "
                    + d.event().instance() + ", " + d.reason() + ")");
        }
    }

    private void resolveRuleAlert(String instance, String rule) {
        try {
            alerts.resolve(instance, rule, "rule");
        } catch (RuntimeException e) {
            log.warn("Could not resolve the alert of rule {} on {}: {}", rule, instance, e.getMessage());
        }
    }

    private void act(Decision d) {
        Rule rule = d.rule();
        long now = clock.millis();
        if (rule.then() instanceof RuleAction.Resize resize) {
            Change change = resize.change();
            Direction direction = Direction.of(change);
            if (locks.knownBlocked(d.event().instance(), change.component(), direction, now)) {
                return;
            }
            List<Budget> budgets = ruleset.budgetsFor(d.event().instance());
            if (locks.knownOverBudget(budgets, now)) {
                overBudget.increment();
                return;
            }
            StartResult result = actionLog.start(new NewAction(rule.name(), change, d.reason(), rule.cooldown(),
                    d.event(), budgets));
            if (result instanceof StartResult.Started started) {
                fired.increment();
                locks.remember(d.event().instance(), change.component(), Long.MAX_VALUE, now);
                executor.execute(started.action());
            } else if (result instanceof StartResult.Blocked blocked) {
                locks.remember(d.event().instance(), change.component(), direction, blocked.untilMs(), now);
            } else if (result instanceof StartResult.OverBudget over) {
                overBudget(d, over, now);
            }
        } else if (alertThrottle.tryRaise(d.event().instance(), rule.name(), now, rule.cooldown().toMillis())) {
            fired.increment();
            alerts.raise(Severity.WARNING, d.event().instance(), rule.name(), "rule",
                    d.event().instance() + ": rule " + rule.name() + " fired: " + d.reason());
        }
    }
}
