package io.scalemanager.manager.actionlog;

import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.state.Event;
import io.scalemanager.manager.rules.Budget;

import java.time.Duration;
import java.util.List;

/**
 * What the manager asks the ActionLog to start: a rule (or a schedule) fired on an event.
 *
 * @param budgets the change budgets that apply to the instance; each must have room
 */
public record NewAction(String rule, Change change, String reason, Duration cooldown, Event event,
                        List<Budget> budgets) {

    public NewAction {
        budgets = List.copyOf(budgets);
    }

    /** An action no change budget applies to. */
    public NewAction(String rule, Change change, String reason, Duration cooldown, Event event) {
        this(rule, change, reason, cooldown, event, List.of());
    }

    public String instance() {
        return event.instance();
    }
}
