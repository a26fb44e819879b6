package io.scalemanager.manager.decide;

import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ResizePlan;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.state.Event;
import io.scalemanager.manager.pause.Pause;
import io.scalemanager.manager.rules.Condition;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.RuleAction;
import io.scalemanager.manager.window.Window;
import io.scalemanager.manager.window.Windows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where rules are evaluated: given an event, the windows of its partition, the rules that apply to it and the
 * {@link Circumstances}, gives every rule's {@link Outcome}. Pure: no clock, no database, no locks; the same code
 * runs in the manager and in a backtest.
 *
 * <p>The order of the checks is the order of the question an operator asks: is the rule on at all (disabled,
 * paused), does its condition hold, and if so what stops it (a block, the limits).
 */
public final class Decider {
    /** How long a silence between two samples may last without breaking a run, unless a rule says otherwise. */
    public static final Duration DEFAULT_MAX_GAP = Duration.ofMinutes(2);

    private final long defaultMaxGapMs;
    private final LongAdder outsideSchedule = new LongAdder();

    public Decider() {
        this(DEFAULT_MAX_GAP);
    }

    /** A decider whose rules without a {@code max_gap} of their own use this one ({@code manager.max_gap}). */
    public Decider(Duration defaultMaxGap) {
        this.defaultMaxGapMs = defaultMaxGap.toMillis();
    }

    /** The outcome of every rule, in the order of {@code rules}. */
    public List<Outcome> decide(Event event, Windows windows, List<Rule> rules, Circumstances world, long nowMs) {
        List<Outcome> outcomes = new ArrayList<>(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            outcomes.add(decide(event, windows, rules.get(i), world, nowMs));
        }
        return outcomes;
    }

    /** How many evaluations found their rule outside its {@code active} times. */
    public long outsideSchedule() {
        return outsideSchedule.sum();
    }

    /** The outcome of one rule. */
    public Outcome decide(Event event, Windows windows, Rule rule, Circumstances world, long nowMs) {
        String instance = event.instance();
        long asOf = event.state().timestampMs();
        boolean held = windows.held(instance, rule, asOf, rule.maxGapMs(defaultMaxGapMs));
        if (!rule.enabled()) {
            return new Outcome.Paused(rule, asOf, null, held);
        }
        Pause pause = world.pauseOf(instance, rule, nowMs);
        if (pause != null) {
            return new Outcome.Paused(rule, asOf, pause, held);
        }
        if (!rule.activeAt(asOf)) {
            outsideSchedule.increment();
            return new Outcome.OutsideSchedule(rule, asOf, held);
        }
        if (!held) {
            return notHeld(event, windows, rule);
        }
        boolean dryRun = world.dryRun(rule);
        if (!(rule.then() instanceof RuleAction.Resize resize)) {
            Block quiet = world.alertQuiet(instance, rule, nowMs);
            return quiet != null ? new Outcome.Blocked(rule, asOf, quiet) : new Outcome.Held(rule, event, dryRun, null);
        }
        Change change = resize.change();
        Block block = world.blockOf(instance, change, dryRun, nowMs);
        if (block != null) {
            return new Outcome.Blocked(rule, asOf, block);
        }
        Size size = world.sizeOf(instance);
        if (size == null) {
            return new Outcome.Held(rule, event, dryRun, null);
        }
        ResizePlan plan = ResizePlan.of(change, size, world.limits().boundsFor(instance, change.component()));
        if (plan instanceof ResizePlan.Unchanged unchanged) {
            return new Outcome.AtLimit(rule, asOf, unchanged,
                    world.limits().patternFor(instance, change.component()), null);
        }
        return new Outcome.Held(rule, event, dryRun, (ResizePlan.Resize) plan);
    }

    /**
     * Why it did not hold, in terms a person checks against a chart: for a plain condition the latest value and
     * since when the condition has held; for aggregates and combined conditions the latest value of the event.
     */
    private static Outcome notHeld(Event event, Windows windows, Rule rule) {
        long asOf = event.state().timestampMs();
        if (rule.when() instanceof Condition c && !c.isAggregate() && rule.ratio() == Rule.EVERY_SAMPLE) {
            Window w = windows.get(event.instance(), c.type());
            if (w != null) {
                long runStart = w.runStartMs(c, asOf);
                double latest = c.type().equals(event.state().type()) ? event.state().value() : w.latestValue();
                return new Outcome.NotHeld(rule, asOf, c.type(), latest, runStart, true);
            }
        }
        return new Outcome.NotHeld(rule, asOf, event.state().type(), event.state().value(), Long.MAX_VALUE, false);
    }
}
