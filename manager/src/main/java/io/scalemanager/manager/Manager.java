package io.scalemanager.manager;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.ResizePlan;
import io.scalemanager.core.state.Event;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLocks;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.actionlog.Direction;
import io.scalemanager.manager.actionlog.NewAction;
import io.scalemanager.manager.actionlog.StartResult;
import io.scalemanager.manager.alert.AlertKind;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.alert.RuleAlertThrottle;
import io.scalemanager.manager.alert.Severity;
import io.scalemanager.manager.command.CommandExecutor;
import io.scalemanager.manager.decide.Block;
import io.scalemanager.manager.decide.Decider;
import io.scalemanager.manager.decide.Outcome;
import io.scalemanager.manager.decision.OutcomeRecorder;
import io.scalemanager.manager.fleet.Fleet;
import io.scalemanager.manager.rules.Budget;
import io.scalemanager.manager.pause.Pauses;
import io.scalemanager.manager.rules.CurrentRuleset;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.RuleAction;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.Schedule;
import io.scalemanager.manager.window.Windows;
import io.scalemanager.queue.EventHandler;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The manager's handling of one event: remember it in the fleet view and its window, ask the {@link Decider}
 * for the outcome of every rule that applies, act on those that hold (start an action in the ActionLog, which
 * takes the lock of the instance's component, and hand it to the {@link CommandExecutor}; raise the rule's
 * alert; or, in a dry run, only record what it would have done), and record every outcome. Each queue partition
 * has its own windows and is handled by one thread, so windows need no locks.
 *
 * <p>Rules without a {@code max_gap} of their own use {@code maxGap} ({@code manager.max_gap}): a longer silence
 * between two samples breaks a run. Events older than the configured maximum age (an agent draining hours of
 * buffered reports, a replay after a long stop) still fill the windows but decide nothing: resizing on what was
 * true an hour ago helps no one.
 *
 * <p>The ruleset can be replaced while events flow ({@link CurrentRuleset}); each partition thread notices at its
 * next event and resizes its windows, keeping their samples.
 */
public final class Manager implements EventHandler {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Manager.class);
    private final CurrentRuleset rulesets;
    private final Windows[] windows;
    private final long[] windowsVersion;
    private final Decider decider;
    private final ActionLog actionLog;
    private final ActionLocks locks;
    private final CommandExecutor executor;
    private final AlertLog alerts;
    private final RuleAlertThrottle alertThrottle = new RuleAlertThrottle();
    private final RuleAlertThrottle dryAlertThrottle = new RuleAlertThrottle();
    private final LiveCircumstances circumstances;
    private final OutcomeRecorder outcomes;
    private final Fleet fleet;
    private final Clock clock;
    private final Counter events;
    private final Counter fired;
    private final Counter tooOld;
    private final Counter overBudget;
    private final Duration maxEventAge;
    public static final Duration DEFAULT_FORGET_AFTER = Duration.ofDays(7);
    /** At most this long a schedule's dry run waits for the instance's size (the instance API times out first). */
    private static final Duration PREVIEW_WAIT = Duration.ofSeconds(30);
    private final long forgetAfterMs;
    /** Per partition, when its thread next looks for silent instances; each entry is touched by its thread only. */
    private final long[] nextSweepMs;

    /**
     * @param forgetAfter instances silent this long leave the windows and the fleet view, so ids that come and go
     *                    do not grow the manager's memory without bound
     * @param dryRun      manager.dry_run: every rule records what it would do and sends nothing
     */
    public Manager(CurrentRuleset rulesets, int partitions, ActionLog actionLog, ActionLocks locks,
                   CommandExecutor executor, AlertLog alerts, Fleet fleet, Clock clock, Duration maxEventAge,
                   Duration maxGap, Duration forgetAfter, MeterRegistry registry, OutcomeRecorder outcomes,
                   Pauses pauses, boolean dryRun) {
        this.forgetAfterMs = forgetAfter.toMillis();
        this.nextSweepMs = new long[partitions];
        this.decider = new Decider(maxGap);
        this.rulesets = rulesets;
        this.windows = new Windows[partitions];
        this.windowsVersion = new long[partitions];
        CurrentRuleset.Loaded loaded = rulesets.loaded();
        for (int p = 0; p < partitions; p++) {
            windows[p] = new Windows(loaded.ruleset());
            windowsVersion[p] = loaded.version();
        }
        this.actionLog = actionLog;
        this.locks = locks;
        this.executor = executor;
        this.alerts = alerts;
        this.fleet = fleet;
        this.clock = clock;
        this.outcomes = outcomes;
        this.circumstances = new LiveCircumstances(rulesets, locks, pauses, alertThrottle, dryAlertThrottle, dryRun);
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
        this.maxEventAge = maxEventAge;
        executor.onUnchanged(this::foundUnchanged);
        executor.onGuarded(this::guarded);
    }

    /** Empties the windows of a partition: it moved to another manager, or is about to be warmed afresh. */
    public void forget(int partition) {
        CurrentRuleset.Loaded loaded = rulesets.loaded();
        windows[partition] = new Windows(loaded.ruleset());
        windowsVersion[partition] = loaded.version();
    }

    /** Adds a past event to the windows without deciding anything: warming up after a start. */
    public void warm(int partition, Event event) {
        fleet.record(event);
        Ruleset ruleset = current(partition);
        if (ruleset.types().contains(event.state().type())) {
            windows[partition].add(event.state());
        }
    }

    /** The ruleset for this event; first resizes the partition's windows when a reload replaced it. */
    private Ruleset current(int partition) {
        CurrentRuleset.Loaded loaded = rulesets.loaded();
        if (windowsVersion[partition] != loaded.version()) {
            windows[partition] = windows[partition].resizedFor(loaded.ruleset().longestForByType(),
                    Windows.DEFAULT_MARGIN);
            windowsVersion[partition] = loaded.version();
        }
        return loaded.ruleset();
    }

    @Override
    public void handle(int partition, Event event) {
        events.increment();
        forgetSilentIfDue(partition);
        fleet.record(event);
        Ruleset ruleset = current(partition);
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
        long now = clock.millis();
        if (now - event.state().timestampMs() > maxEventAge.toMillis()) {
            tooOld.increment();
            for (int i = 0; i < rules.size(); i++) {
                outcomes.record(event.instance(), new Outcome.TooOld(rules.get(i), event.state().timestampMs(),
                        maxEventAge));
            }
            return;
        }
        for (int i = 0; i < rules.size(); i++) {
            Outcome outcome = decider.decide(event, partitionWindows, rules.get(i), circumstances, now);
            if (outcome instanceof Outcome.Held held) {
                act(held, now);
            } else {
                outcomes.record(event.instance(), outcome);
            }
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
    private void overBudget(Outcome.Held d, StartResult.OverBudget over, long now) {
        overBudget.increment();
        locks.rememberOverBudget(over.budget(), over.untilMs(), now);
        outcomes.record(d.event().instance(), new Outcome.OverBudget(d.rule(), d.atMs(), over.reason(),
                over.untilMs()));
        if (over.alert()) {
            alerts.raise(Severity.WARNING, d.event().instance(), d.rule().name(), AlertKind.BUDGET, over.reason()
                    + "; rules that hold on its instances wait (first held: rule " + d.rule().name() + " on "
                    + d.event().instance() + ", " + d.reason() + ")");
        }
    }

    private void resolveRuleAlert(String instance, String rule) {
        try {
            alerts.resolve(instance, rule, AlertKind.RULE);
        } catch (RuntimeException e) {
            log.warn("Could not resolve the alert of rule {} on {}: {}", rule, instance, e.getMessage());
        }
    }

    private void act(Outcome.Held held, long now) {
        Rule rule = held.rule();
        Event event = held.event();
        String instance = event.instance();
        if (held.dryRun()) {
            actDry(held, now);
        } else if (rule.then() instanceof RuleAction.Resize resize) {
            Change change = resize.change();
            String reason = held.reason();
            List<Budget> budgets = rulesets.get().budgetsFor(instance);
            if (locks.knownOverBudget(budgets, now)) {
                overBudget.increment();
                outcomes.record(instance, new Outcome.OverBudget(rule, held.atMs(),
                        "a change budget of " + instance + " is spent", null));
                return;
            }
            StartResult result = actionLog.start(new NewAction(rule.name(), change, reason, rule.cooldown(), event,
                    budgets));
            if (result instanceof StartResult.Started started) {
                fired.increment();
                Action a = started.action();
                locks.remember(instance, change.component(), new ActionLocks.Lock(a.id(), rule.name(),
                        Long.MAX_VALUE), now);
                outcomes.record(instance, new Outcome.Fired(rule, held.atMs(), ActionLog.firedReason(change, reason),
                        a.id()));
                executor.execute(a);
            } else if (result instanceof StartResult.Blocked blocked) {
                Direction direction = Direction.of(change);
                ActionLocks.Lock lock = lockHolder(instance, change, direction, blocked.untilMs());
                locks.remember(instance, change.component(), direction, lock, now);
                outcomes.record(instance, new Outcome.Blocked(rule, held.atMs(), new Block(
                        lock.untilMs() == Long.MAX_VALUE ? Block.Kind.RUNNING : Block.Kind.COOLDOWN,
                        lock.actionId() == 0 ? null : lock.actionId(), lock.rule(), lock.untilMs())));
            } else if (result instanceof StartResult.OverBudget over) {
                overBudget(held, over, now);
            }
            // AlreadyDecided: this event fired the rule before a restart; that outcome is recorded already.
        } else if (alertThrottle.tryRaise(instance, rule.name(), now, rule.cooldown().toMillis())) {
            fired.increment();
            outcomes.record(instance, new Outcome.Fired(rule, held.atMs(), "alert: " + held.reason(), null));
            alerts.raise(Severity.WARNING, instance, rule.name(), AlertKind.RULE,
                    instance + ": rule " + rule.name() + " fired: " + held.reason());
        } else {
            outcomes.record(instance, new Outcome.Blocked(rule, held.atMs(), new Block(Block.Kind.ALERT_QUIET, null,
                    rule.name(), alertThrottle.quietUntil(instance, rule.name(), now))));
        }
    }

    /** Which action holds the lock the ActionLog refused; only asked when this process did not know. */
    private ActionLocks.Lock lockHolder(String instance, Change change, Direction direction, long untilMs) {
        try {
            return actionLog.lockHolder(instance, change.component(), direction)
                    .orElse(new ActionLocks.Lock(0, null, untilMs));
        } catch (RuntimeException e) {
            return new ActionLocks.Lock(0, null, untilMs);
        }
    }

    /**
     * A dry run: nothing sent, no lock; the component waits the rule's cooldown for dry runs (the shadow
     * cooldown), and the would-be resize is worked out exactly as the command executor would.
     */
    private void actDry(Outcome.Held held, long now) {
        Rule rule = held.rule();
        String instance = held.event().instance();
        long until = now + rule.cooldown().toMillis();
        if (!(rule.then() instanceof RuleAction.Resize resize)) {
            if (dryAlertThrottle.tryRaise(instance, rule.name(), now, rule.cooldown().toMillis())) {
                outcomes.record(instance, new Outcome.WouldFire(rule, held.atMs(), held.reason(), null, until));
            }
            return;
        }
        Change change = resize.change();
        circumstances.startShadowCooldown(instance, change.component(), rule.name(), until);
        if (held.plan() != null) {
            wouldFire(instance, new Outcome.WouldFire(rule, held.atMs(), held.reason(), held.plan(), until));
            return;
        }
        executor.preview(instance, change).whenComplete((plan, error) -> {
            if (plan instanceof ResizePlan.Resize r) {
                wouldFire(instance, new Outcome.WouldFire(rule, held.atMs(), held.reason(), r, until));
            } else if (plan instanceof ResizePlan.Unchanged u) {
                outcomes.record(instance, new Outcome.AtLimit(rule, held.atMs(), u,
                        rulesets.get().limits().patternFor(instance, change.component()), null));
            } else {
                // The size could not be read: still a would-be firing, without its sizes.
                wouldFire(instance, new Outcome.WouldFire(rule, held.atMs(), held.reason(), null, until));
            }
        });
    }

    /**
     * A schedule's occurrence that runs dry (manager.dry_run, or the schedule's own {@code dry_run}): the same
     * path as a rule's dry run. Nothing is sent and no lock taken; a lock this process knows of, or a dry run's
     * shadow cooldown, holds it back as a lock holds back the live occurrence ({@link Outcome.Blocked}: the
     * scheduler tries again on the next tick). Otherwise the answer is the {@link Outcome.WouldFire} with the
     * resize worked out exactly as the command executor would (the instance's size, the limits), which the
     * scheduler records once per occurrence and then starts its shadow cooldown
     * ({@link #startScheduleShadowCooldown}). It waits for the instance's size (bounded by the instance API's
     * timeout): the scheduler has a thread of its own.
     *
     * @param atMs the occurrence, the moment the outcome is recorded at
     */
    public Outcome dryRunSchedule(Schedule schedule, String instance, Component component, long size, long atMs) {
        Change change = new Change(component, ChangeMode.ABS, size);
        long now = clock.millis();
        Block block = circumstances.blockOf(instance, change, true, now);
        if (block != null) {
            return new Outcome.Blocked(schedule.name(), null, atMs, block);
        }
        long until = now + schedule.cooldown().toMillis();
        String why = schedule.occurrenceReason();
        String set = "set " + component.wireName() + " to " + size;
        ResizePlan plan = previewNow(instance, change);
        if (plan instanceof ResizePlan.Resize r) {
            return new Outcome.WouldFire(schedule.name(), null, atMs, why, r, until, set);
        }
        if (plan instanceof ResizePlan.Unchanged u) {
            // As live: the occurrence's action would find nothing to change (and end, its cooldown starting).
            return new Outcome.WouldFire(schedule.name(), null, atMs, why, null, until, set + ", but " + u.describe());
        }
        return new Outcome.WouldFire(schedule.name(), null, atMs, why, null, until, set);
    }

    /** A schedule's dry occurrence was recorded: the component waits its cooldown for dry runs, until then. */
    public void startScheduleShadowCooldown(Schedule schedule, String instance, Component component, long untilMs) {
        circumstances.startShadowCooldown(instance, component, schedule.name(), untilMs);
    }

    /** The would-be resize, or null when the size could not be read in time. */
    private ResizePlan previewNow(String instance, Change change) {
        try {
            return executor.preview(instance, change).get(PREVIEW_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    private void wouldFire(String instance, Outcome.WouldFire outcome) {
        log.info("{}: {} (rule {})", instance, outcome.reason(), outcome.ruleName());
        outcomes.record(instance, outcome);
    }

    /** The shrink guard refused an action's shrink: the outcome guard, with the figures. */
    private void guarded(Action a, String figures) {
        rulesets.get().rule(a.rule()).ifPresent(rule -> outcomes.record(a.instance(), new Outcome.Guard(rule,
                a.event().state().timestampMs(), figures, a.id())));
    }

    /** The command executor found nothing to change for an action: its rule is at a limit. */
    private void foundUnchanged(Action a, ResizePlan.Unchanged plan) {
        rulesets.get().rule(a.rule()).ifPresent(rule -> outcomes.record(a.instance(), new Outcome.AtLimit(rule,
                a.event().state().timestampMs(), plan, rulesets.get().limits().patternFor(a.instance(),
                a.change().component()), a.id())));
    }
}
