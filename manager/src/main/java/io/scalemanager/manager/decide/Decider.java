package io.scalemanager.manager.decide;

import io.scalemanager.core.state.Event;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.window.Windows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where rules are evaluated: given an event, the windows of its partition and the rules that apply to it, says
 * which rules fire. Pure: no clock, no database, no locks (those are the caller's).
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

    public List<Decision> decide(Event event, Windows windows, List<Rule> rules) {
        List<Decision> decisions = null;
        long asOf = event.state().timestampMs();
        String instance = event.instance();
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            if (!rule.activeAt(asOf)) {
                outsideSchedule.increment(); // outcome outside_schedule: the rule acts not, however its data looks
                continue;
            }
            if (windows.held(instance, rule, asOf, rule.maxGapMs(defaultMaxGapMs))) {
                if (decisions == null) {
                    decisions = new ArrayList<>(2);
                }
                decisions.add(new Decision(rule, event, reason(rule, event)));
            }
        }
        return decisions == null ? List.of() : decisions;
    }

    /** How many evaluations found their rule outside its {@code active} times. */
    public long outsideSchedule() {
        return outsideSchedule.sum();
    }

    static String reason(Rule rule, Event event) {
        String latest = rule.types().size() == 1 ? "" : event.state().type() + " ";
        return rule.when().describe() + rule.heldText() + ", latest " + latest + format(event.state().value());
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.valueOf(v);
    }
}
