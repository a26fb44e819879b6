package io.scalemanager.manager.decide;

import io.scalemanager.core.state.Event;
import io.scalemanager.manager.rules.Rule;

/**
 * A rule fired on an event: its condition held long enough. The reason says why in words, and is stored with
 * the action so "why did it scale" is answered from the ActionLog, not reconstructed from logs.
 */
public record Decision(Rule rule, Event event, String reason) {
}
