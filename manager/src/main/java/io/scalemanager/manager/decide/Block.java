package io.scalemanager.manager.decide;

/**
 * What keeps a rule that holds from acting on a component: an action still running, its cooldown, the shadow
 * cooldown of a dry run, or a rule alert raised a moment ago.
 *
 * @param actionId the blocking action, when there is one
 * @param rule     the rule of the blocking action or dry run; null when unknown (its action was archived)
 * @param untilMs  when the block ends; {@link Long#MAX_VALUE} while the action runs
 */
public record Block(Kind kind, Long actionId, String rule, long untilMs) {

    /** Why the component is blocked. */
    public enum Kind { RUNNING, COOLDOWN, SHADOW_COOLDOWN, ALERT_QUIET }

    /** {@code blocked: action 812 (cpu-down) cooling down until 12:15:00}. */
    public String describe() {
        String action = actionId == null ? "an action" : "action " + actionId + (rule == null ? "" : " (" + rule + ")");
        return switch (kind) {
            // Also an action awaiting its new size (verifying, unverified, needs_restart): it holds the lock too.
            case RUNNING -> "blocked: " + action + " is under way (pending, running or awaiting its new size)";
            case COOLDOWN -> "blocked: " + action + " cooling down until " + Reasons.time(untilMs);
            case SHADOW_COOLDOWN -> "blocked: the dry run of " + (rule == null ? "a rule" : "rule " + rule)
                    + " cooling down until " + Reasons.time(untilMs);
            case ALERT_QUIET -> "blocked: its alert was raised and stays quiet until " + Reasons.time(untilMs);
        };
    }
}
