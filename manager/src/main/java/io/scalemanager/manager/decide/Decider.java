package io.scalemanager.manager.decide;

import io.scalemanager.core.state.Event;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.window.Window;

import java.util.ArrayList;
import java.util.List;

/**
 * Where rules are evaluated: given an event, the window of its (instance, type) and the rules that apply to
 * it, says which rules fire. Pure: no clock, no database, no locks (those are the caller's).
 */
public final class Decider {

    public List<Decision> decide(Event event, Window window, List<Rule> rules) {
        List<Decision> decisions = null;
        long asOf = event.state().timestampMs();
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            if (window.heldFor(rule.when(), rule.forDuration(), asOf)) {
                if (decisions == null) {
                    decisions = new ArrayList<>(2);
                }
                decisions.add(new Decision(rule, event, reason(rule, event)));
            }
        }
        return decisions == null ? List.of() : decisions;
    }

    static String reason(Rule rule, Event event) {
        String held = rule.forDuration().isZero() ? "" : " for " + DurationText.format(rule.forDuration());
        return rule.when().describe() + held + ", latest " + format(event.state().value());
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.valueOf(v);
    }
}
