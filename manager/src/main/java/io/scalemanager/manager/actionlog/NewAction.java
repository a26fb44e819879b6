package io.scalemanager.manager.actionlog;

import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.state.Event;

import java.time.Duration;

/** What the manager asks the ActionLog to start: a rule fired on an event. */
public record NewAction(String rule, Change change, String reason, Duration cooldown, Event event) {

    public String instance() {
        return event.instance();
    }
}
