package io.scalemanager.manager.actionlog;

import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.state.Event;

/**
 * One row of the ActionLog: a command the manager decided to send, why, and what became of it.
 *
 * @param change     the rule's change as written ({@code ram +1024})
 * @param fromValue  size of the component before, once read (null before)
 * @param toValue    size the command asks for after limits (null before it was planned)
 * @param reason     why the rule fired, in words
 * @param operation  the instance API's operation id, once sent
 * @param cooldownMs how long the lock stays after the action finishes
 * @param verifyUntilMs until when the manager waits for the new size to show before the action is unverified
 * @param verifiedAtMs when the new size was confirmed (null until then)
 * @param verifiedBy   whose reading confirmed it: {@code instance} (its own reports) or {@code provider}
 * @param rollbackOf   the action this one undoes, or null
 * @param requestedBy  who asked for a direct resize (rule {@code api}): token name and client address, e.g.
 *                     {@code admin from 127.0.0.1}; null for a rule's action (its rule decided it)
 * @param refusedBy    what refused the action before anything was sent ({@code guard}: the shrink guard); such an
 *                     action is failed, but changed nothing and spends no change budget. Null for every other
 *                     action
 */
public record Action(long id, String instance, String rule, Change change, Long fromValue, Long toValue,
                     ActionStatus status, String reason, long createdAtMs, Long finishedAtMs, long cooldownMs,
                     String operation, String error, Event event, Long verifyUntilMs,
                     Long verifiedAtMs, String verifiedBy, Long rollbackOf, String requestedBy,
                     String refusedBy) {
    /** {@link #refusedBy()} of a shrink the projected-utilization guard refused. */
    public static final String REFUSED_BY_GUARD = "guard";

    public String lockKey() {
        return ActionLocks.key(instance, change.component());
    }
}
