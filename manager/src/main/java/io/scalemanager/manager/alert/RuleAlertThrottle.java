package io.scalemanager.manager.alert;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a rule whose action is {@code alert} from raising the same alert on every event while its condition
 * holds: once raised for an instance, it is quiet for the rule's cooldown.
 */
public final class RuleAlertThrottle {
    private final ConcurrentHashMap<String, Long> quietUntil = new ConcurrentHashMap<>();

    /** True when the alert may be raised now; then it stays quiet until nowMs + quietMs. */
    public boolean tryRaise(String instance, String rule, long nowMs, long quietMs) {
        String key = instance + '\u0000' + rule;
        boolean[] allowed = {false};
        quietUntil.compute(key, (k, until) -> {
            if (until == null || until <= nowMs) {
                allowed[0] = true;
                return nowMs + quietMs;
            }
            return until;
        });
        return allowed[0];
    }

    /** Until when the rule's alert on the instance stays quiet; at or before nowMs when it may be raised. */
    public long quietUntil(String instance, String rule, long nowMs) {
        Long until = quietUntil.get(instance + '\u0000' + rule);
        return until == null ? 0 : until;
    }
}
