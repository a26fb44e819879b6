package io.scalemanager.manager.pause;

import io.scalemanager.core.pattern.InstancePattern;

/**
 * A pause of a rule (or of every rule, {@code *}) on the instances matching a glob, until a time: the rule keeps
 * its window and records {@code paused} but acts not.
 */
public record Pause(long id, InstancePattern instances, String rule, long untilMs, String comment,
                    long createdAtMs, String createdBy) {

    public static final String EVERY_RULE = "*";

    /**
     * Whether it pauses this rule on this instance at nowMs: from its creation until its end (a backtest replays
     * pauses of the past, so a pause created later is not yet in force).
     */
    public boolean covers(String instance, String ruleName, long nowMs) {
        return untilMs > nowMs && createdAtMs <= nowMs && (rule.equals(EVERY_RULE) || rule.equals(ruleName))
                && instances.matches(instance);
    }
}
