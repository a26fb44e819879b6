package io.scalemanager.manager.decision;

import io.scalemanager.manager.decide.OutcomeKind;

/**
 * One row of the decision log: an outcome of a rule on an instance worth keeping (a change of outcome, or one of
 * the kinds recorded every time).
 *
 * @param id       0 until written
 * @param timeMs   the event time it was decided at
 * @param actionId the action started or blocking, or null
 */
public record Decision(long id, long timeMs, String instance, String rule, OutcomeKind outcome, String reason,
                       Long actionId) {
}
