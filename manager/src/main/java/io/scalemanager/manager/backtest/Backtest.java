package io.scalemanager.manager.backtest;

import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.ResizePlan;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.state.State;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.decide.Decider;
import io.scalemanager.manager.decide.Outcome;
import io.scalemanager.manager.pause.Pause;
import io.scalemanager.manager.rules.Budget;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.RuleAction;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.Schedule;
import io.scalemanager.manager.schedule.ScheduleStarts;
import io.scalemanager.manager.schedule.ScheduleTicks;
import io.scalemanager.manager.schedule.Scheduler;
import io.scalemanager.manager.window.Windows;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Replays recorded events through a ruleset with the live manager's decision code (the same {@link Windows},
 * the same {@link Decider}) against a {@link SimulatedWorld}, and counts what each rule would have done.
 *
 * <p>Events are replayed in sequence order, which is the order each instance's events reached the manager, and
 * each is decided at its arrival time (which its sequence number holds), as the manager decided it: cooldowns,
 * locks and {@code manager.max_event_age} mean the same as live. The range selects events by arrival; the
 * windows are first filled from the events of the longest {@code for} (plus a margin) before it, as a manager
 * warms its windows on start. The ruleset's {@code schedules:} run through the live {@link ScheduleTicks}, ticked
 * every {@link Scheduler#TICK} of replayed time; the pauses recorded in force during the range apply from their
 * creation to their end; dry-run rules and schedules (their own {@code dry_run}, or manager.dry_run) record their
 * would-be resizes apart and wait the manager's shadow cooldowns. The replay streams: memory grows with the instances and
 * the actions, not the events.
 */
public final class Backtest {
    /** A change undone within this is a flap. */
    public static final Duration FLAP_WINDOW = Duration.ofHours(1);
    private static final long TICK_MS = Scheduler.TICK.toMillis();

    private final Ruleset ruleset;
    private final BacktestSettings settings;

    public Backtest(Ruleset ruleset, BacktestSettings settings) {
        this.ruleset = ruleset;
        this.settings = settings;
    }

    /** Thrown when a range holds more events than the caller allowed. */
    public static final class TooManyEvents extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long limit;

        TooManyEvents(long limit) {
            super("more than " + limit + " events", null, false, false);
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    /** How far before the range the windows are filled: the longest {@code for} plus the windows' margin. */
    public Duration warmSpan() {
        Duration longest = Duration.ZERO;
        for (Duration d : ruleset.longestForByType().values()) {
            longest = d.compareTo(longest) > 0 ? d : longest;
        }
        return longest.plus(Windows.DEFAULT_MARGIN);
    }

    /**
     * Replays the events that arrived in [fromMs, toMs) of the instances matching {@code instances}.
     *
     * @param before    the ActionLog's latest action per instance and component before fromMs (sizes and locks)
     * @param pauses    the pauses in force at some moment of the range
     * @param maxEvents the most events of the range to replay ({@link TooManyEvents} beyond)
     */
    public BacktestReport run(RecordedEvents events, List<Action> before, List<Pause> pauses, long fromMs, long toMs,
                              InstancePattern instances, long maxEvents) {
        Replay replay = new Replay(fromMs, instances, maxEvents, pauses);
        for (Action a : before) {
            if (instances.matches(a.instance())) {
                replay.world.seed(a, fromMs);
            }
        }
        long warmFrom = fromMs - warmSpan().toMillis();
        events.replay(EventSequence.firstAt(warmFrom), EventSequence.firstAt(toMs), replay);
        return replay.report(fromMs, toMs);
    }

    /** What one rule did so far. */
    private static final class Tally {
        long fired;
        final Set<String> instances = new HashSet<>();
        long up;
        long down;
        long flaps;
        long atLimit;
        long alerts;
        long wouldFire;

        RuleSummary summary(String name) {
            return new RuleSummary(name, fired, instances.size(), up, down, flaps, atLimit, alerts, wouldFire);
        }
    }

    private final class Replay implements Consumer<Event>, ScheduleStarts {
        final SimulatedWorld world;
        final Windows windows = new Windows(ruleset);
        final Decider decider = new Decider(settings.maxGap());
        final Map<Rule, Tally> tallies = new IdentityHashMap<>();
        final Map<Rule, Integer> index = new IdentityHashMap<>();
        final List<SimulatedAction> actions = new ArrayList<>();
        final List<Flap> flaps = new ArrayList<>();
        final Set<String> types = ruleset.types();
        final long fromMs;
        final InstancePattern instances;
        final boolean everyInstance;
        final long maxEvents;
        final long maxEventAgeMs = settings.maxEventAge().toMillis();
        final List<Schedule> schedules = ruleset.schedules();
        final Map<String, Tally> scheduleTallies = new HashMap<>();
        final ScheduleTicks ticks = new ScheduleTicks();
        /** The instances seen so far, in order: those the schedules act on, as a manager's fleet view. */
        final Set<String> known = new LinkedHashSet<>();
        /** The next tick of the schedules, in replayed time. */
        long nextTickMs;
        /** The replayed time: the arrival of the event at hand, or a tick's moment. */
        long nowMs;
        long count;

        Replay(long fromMs, InstancePattern instances, long maxEvents, List<Pause> pauses) {
            this.fromMs = fromMs;
            this.instances = instances;
            this.everyInstance = instances.text().equals("*");
            this.maxEvents = maxEvents;
            List<Rule> rules = ruleset.rules();
            for (int i = 0; i < rules.size(); i++) {
                tallies.put(rules.get(i), new Tally());
                index.put(rules.get(i), i);
            }
            for (Schedule schedule : schedules) {
                scheduleTallies.put(schedule.name(), new Tally());
            }
            this.nextTickMs = fromMs;
            this.world = new SimulatedWorld(ruleset.limits(), settings.verifyTimeout(),
                    settings.defaultSize(), rules.size(), pauses, settings.dryRun());
        }

        @Override
        public void accept(Event event) {
            String instance = event.instance();
            if (!everyInstance && !instances.matches(instance)) {
                return;
            }
            State state = event.state();
            long now = EventSequence.arrivalMs(event.seq());
            if (!schedules.isEmpty()) {
                tickUntil(now);
                known.add(instance);
            }
            nowMs = now;
            world.observe(instance, state.type(), state.value(), now);
            boolean deciding = now >= fromMs;
            if (deciding && ++count > maxEvents) {
                throw new TooManyEvents(maxEvents);
            }
            if (!types.contains(state.type())) {
                return;
            }
            windows.add(state);
            if (!deciding) {
                return;
            }
            List<Rule> rules = ruleset.rulesFor(instance, state.type());
            if (rules.isEmpty() || now - state.timestampMs() > maxEventAgeMs) {
                return; // too old: it fills the window and decides nothing, as live
            }
            for (int i = 0; i < rules.size(); i++) {
                Rule rule = rules.get(i);
                Outcome outcome = decider.decide(event, windows, rule, world, now);
                switch (outcome.kind()) {
                    case FIRED -> act((Outcome.Held) outcome, now);
                    case WOULD_FIRE -> actDry((Outcome.Held) outcome, now);
                    case AT_LIMIT -> atLimit(instance, rule);
                    case NOT_HELD, STALE -> world.instance(instance).atLimit[index.get(rule)] = false;
                    default -> {
                        // blocked, paused, outside its schedule: the run goes on
                    }
                }
            }
        }

        /**
         * The live scheduler's ticks from the range's start up to (and at) {@code untilMs}, every {@link #TICK_MS},
         * each on the instances seen before it.
         */
        private void tickUntil(long untilMs) {
            while (nextTickMs <= untilMs) {
                nowMs = nextTickMs;
                ticks.tick(Instant.ofEpochMilli(nowMs), schedules, known, this);
                nextTickMs += TICK_MS;
            }
        }

        private void atLimit(String instance, Rule rule) {
            boolean[] seen = world.instance(instance).atLimit;
            int i = index.get(rule);
            if (!seen[i]) {
                seen[i] = true;
                tallies.get(rule).atLimit++;
            }
        }

        private void act(Outcome.Held held, long now) {
            Rule rule = held.rule();
            String instance = held.event().instance();
            Tally tally = tallies.get(rule);
            if (!(rule.then() instanceof RuleAction.Resize)) {
                world.raised(instance, rule, now);
                tally.fired++;
                tally.alerts++;
                tally.instances.add(instance);
                return;
            }
            ResizePlan.Resize plan = held.plan(); // the world always knows a size, so the Decider planned it
            List<Budget> budgets = ruleset.budgetsFor(instance);
            SimulatedWorld.Spent spent = budgets.isEmpty() ? null : world.spent(budgets, now);
            if (spent != null) {
                if (spent.alert()) {
                    tally.alerts++;
                }
                return;
            }
            SimulatedAction action = world.start(instance, rule, plan, budgets, now);
            world.instance(instance).atLimit[index.get(rule)] = false;
            took(action, tally);
        }

        /** A simulated action started: counted for its rule or schedule, and checked for a flap. */
        private void took(SimulatedAction action, Tally tally) {
            actions.add(action);
            tally.fired++;
            tally.instances.add(action.instance());
            if (action.grew()) {
                tally.up++;
            } else {
                tally.down++;
            }
            SimulatedAction[] last = world.instance(action.instance()).lastAction;
            int c = action.component().ordinal();
            SimulatedAction previous = last[c];
            if (previous != null && previous.grew() != action.grew()
                    && action.timeMs() - previous.timeMs() < FLAP_WINDOW.toMillis()) {
                flaps.add(new Flap(previous, action));
                tally.flaps++;
            }
            last[c] = action;
        }

        /**
         * A dry run held: as the manager's, nothing changes but its shadow cooldown (or, for an alert rule, its
         * alert's quiet time); the would-be resize is listed, marked as a dry run, and counted apart.
         */
        private void actDry(Outcome.Held held, long now) {
            Rule rule = held.rule();
            String instance = held.event().instance();
            Tally tally = tallies.get(rule);
            tally.wouldFire++;
            if (rule.then() instanceof RuleAction.Resize) {
                actions.add(world.startDry(instance, rule, held.plan(), now));
            } else {
                world.raised(instance, rule, now);
            }
        }

        /**
         * A schedule's occurrence, as the live Scheduler starts it through the ActionLog: its lock and cooldowns
         * hold it back (tried again on the next tick), its budgets count it but never hold it back, the limits
         * clamp its size. Under manager.dry_run or its own {@code dry_run} it runs dry, as live: a lock or a dry
         * run's shadow cooldown holds it back, the would-be resize is listed, marked as a dry run, counted in
         * {@code would_fire}, and the component waits the schedule's cooldown for dry runs only. An occurrence
         * before the range was the recorded ActionLog's to carry out.
         */
        @Override
        public Result start(Schedule schedule, Instant occurrence, String instance, Component component, long size) {
            if (occurrence.toEpochMilli() < fromMs) {
                return Result.ALREADY_DONE;
            }
            boolean dry = settings.dryRun() || schedule.dryRun();
            Change change = new Change(component, ChangeMode.ABS, size);
            if (world.blockOf(instance, change, dry, nowMs) != null) {
                return Result.BLOCKED;
            }
            ResizePlan plan = ResizePlan.of(change, world.sizeOf(instance),
                    ruleset.limits().boundsFor(instance, component));
            long cooldownMs = schedule.cooldown().toMillis();
            Tally tally = scheduleTallies.get(schedule.name());
            if (dry) {
                if (plan instanceof ResizePlan.Resize resize) {
                    tally.wouldFire++;
                    actions.add(world.startDry(instance, schedule.name(), resize, cooldownMs, nowMs));
                } else {
                    world.startDryUnchanged(instance, schedule.name(), component, cooldownMs, nowMs);
                }
                return Result.STARTED;
            }
            List<Budget> budgets = ruleset.budgetsFor(instance);
            if (plan instanceof ResizePlan.Resize resize) {
                took(world.start(instance, schedule.name(), resize, cooldownMs, settings.verifyTimeout().toMillis(),
                        budgets, nowMs), tally);
            } else {
                world.startUnchanged(instance, schedule.name(), component, cooldownMs, budgets, nowMs);
            }
            return Result.STARTED;
        }

        BacktestReport report(long from, long to) {
            if (!schedules.isEmpty()) {
                tickUntil(to - 1);
            }
            List<RuleSummary> rules = new ArrayList<>();
            for (Rule r : ruleset.rules()) {
                rules.add(tallies.get(r).summary(r.name()));
            }
            for (Schedule schedule : schedules) {
                rules.add(scheduleTallies.get(schedule.name()).summary(schedule.name()));
            }
            return new BacktestReport(from, to, count, rules, List.copyOf(actions), List.copyOf(flaps));
        }
    }
}
