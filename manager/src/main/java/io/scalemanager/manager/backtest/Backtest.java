package io.scalemanager.manager.backtest;

import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.ResizePlan;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.state.State;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.decide.Decider;
import io.scalemanager.manager.decide.Outcome;
import io.scalemanager.manager.rules.Budget;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.RuleAction;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.window.Windows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
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
 * warms its windows on start. The replay streams: memory grows with the instances and the actions, not the
 * events.
 */
public final class Backtest {
    /** A change undone within this is a flap. */
    public static final Duration FLAP_WINDOW = Duration.ofHours(1);

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
     * @param maxEvents the most events of the range to replay ({@link TooManyEvents} beyond)
     */
    public BacktestReport run(RecordedEvents events, List<Action> before, long fromMs, long toMs,
                              InstancePattern instances, long maxEvents) {
        Replay replay = new Replay(fromMs, instances, maxEvents);
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
    }

    private final class Replay implements Consumer<Event> {
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
        long count;

        Replay(long fromMs, InstancePattern instances, long maxEvents) {
            this.fromMs = fromMs;
            this.instances = instances;
            this.everyInstance = instances.text().equals("*");
            this.maxEvents = maxEvents;
            List<Rule> rules = ruleset.rules();
            for (int i = 0; i < rules.size(); i++) {
                tallies.put(rules.get(i), new Tally());
                index.put(rules.get(i), i);
            }
            this.world = new SimulatedWorld(ruleset.limits(), settings.verifyTimeout(),
                    settings.defaultSize(), rules.size());
        }

        @Override
        public void accept(Event event) {
            String instance = event.instance();
            if (!everyInstance && !instances.matches(instance)) {
                return;
            }
            State state = event.state();
            long now = EventSequence.arrivalMs(event.seq());
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
                    case FIRED, WOULD_FIRE -> act((Outcome.Held) outcome, now);
                    case AT_LIMIT -> atLimit(instance, rule);
                    case NOT_HELD, STALE -> world.instance(instance).atLimit[index.get(rule)] = false;
                    default -> {
                        // blocked, paused, outside its schedule: the run goes on
                    }
                }
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
            actions.add(action);
            tally.fired++;
            tally.instances.add(instance);
            if (action.grew()) {
                tally.up++;
            } else {
                tally.down++;
            }
            world.instance(instance).atLimit[index.get(rule)] = false;
            SimulatedAction[] last = world.instance(instance).lastAction;
            int c = plan.component().ordinal();
            SimulatedAction previous = last[c];
            if (previous != null && previous.grew() != action.grew()
                    && action.timeMs() - previous.timeMs() < FLAP_WINDOW.toMillis()) {
                flaps.add(new Flap(previous, action));
                tally.flaps++;
            }
            last[c] = action;
        }

        BacktestReport report(long from, long to) {
            List<RuleSummary> rules = new ArrayList<>();
            for (Rule r : ruleset.rules()) {
                Tally t = tallies.get(r);
                rules.add(new RuleSummary(r.name(), t.fired, t.instances.size(), t.up, t.down, t.flaps, t.atLimit,
                        t.alerts));
            }
            return new BacktestReport(from, to, count, rules, List.copyOf(actions), List.copyOf(flaps));
        }
    }
}
