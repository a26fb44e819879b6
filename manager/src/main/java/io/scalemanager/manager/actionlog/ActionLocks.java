package io.scalemanager.manager.actionlog;

import io.scalemanager.core.sizing.Component;
import io.scalemanager.manager.rules.Budget;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this process knows of the locks in the ActionLog, so an event whose rule holds during a cooldown does not
 * cost a database round trip. The database stays the authority: an unknown or expired entry means "ask it", and
 * no entry is trusted for longer than {@link #RECHECK_MS}, because another process (a second manager, a separate
 * cleaner finishing a stuck action) may have changed the lock since. Scale-ups and scale-downs are remembered
 * apart, because a cooldown may block one and not the other ({@link Direction}).
 */
public final class ActionLocks {
    /** How long a remembered lock is believed before the database is asked again. */
    public static final long RECHECK_MS = 30_000;

    private final ConcurrentHashMap<String, Long> blockedUntil = new ConcurrentHashMap<>();

    static String key(String instance, Component component) {
        return instance + '\u0000' + component.wireName();
    }

    private static String key(String instance, Component component, Direction direction) {
        return key(instance, component) + (direction == Direction.UP ? "\u0000up" : "\u0000down");
    }

    /** True when this process knows for sure that an action of this direction is blocked at nowMs. */
    public boolean knownBlocked(String instance, Component component, Direction direction, long nowMs) {
        String key = key(instance, component, direction);
        Long until = blockedUntil.get(key);
        if (until == null) {
            return false;
        }
        if (until <= nowMs) {
            blockedUntil.remove(key, until);
            return false;
        }
        return true;
    }

    /** The database said an action of this direction is blocked until untilMs (Long.MAX_VALUE: one runs). */
    public void remember(String instance, Component component, Direction direction, long untilMs, long nowMs) {
        long recheckAt = nowMs > Long.MAX_VALUE - RECHECK_MS ? Long.MAX_VALUE : nowMs + RECHECK_MS;
        long until = Math.min(untilMs, recheckAt);
        blockedUntil.put(key(instance, component, direction), until);
        if (direction == Direction.SET) {
            // An absolute size waits like a scale-down: what blocks it blocks scale-downs.
            blockedUntil.put(key(instance, component, Direction.DOWN), until);
        }
    }

    /** Every direction is blocked until untilMs, as while an action is pending or running (Long.MAX_VALUE). */
    public void remember(String instance, Component component, long untilMs, long nowMs) {
        remember(instance, component, Direction.UP, untilMs, nowMs);
        remember(instance, component, Direction.DOWN, untilMs, nowMs);
    }

    /**
     * An action finished and its cooldown runs until untilMs. That blocks scale-downs; whether it blocks scale-ups
     * depends on which way the action went, which the database knows, so scale-ups ask it next.
     */
    public void coolingDown(String instance, Component component, long untilMs, long nowMs) {
        blockedUntil.remove(key(instance, component, Direction.UP));
        remember(instance, component, Direction.DOWN, untilMs, nowMs);
    }

    /** Forgets what was known of the lock: the database is asked next. */
    public void forget(String instance, Component component) {
        blockedUntil.remove(key(instance, component, Direction.UP));
        blockedUntil.remove(key(instance, component, Direction.DOWN));
    }

    /** True when this process knows that one of the budgets has no room at nowMs. */
    public boolean knownOverBudget(List<Budget> budgets, long nowMs) {
        for (int i = 0; i < budgets.size(); i++) {
            String key = "budget\u0000" + budgets.get(i).key();
            Long until = blockedUntil.get(key);
            if (until != null) {
                if (until > nowMs) {
                    return true;
                }
                blockedUntil.remove(key, until);
            }
        }
        return false;
    }

    /** The database said the budget has no room until untilMs at the earliest. */
    public void rememberOverBudget(Budget budget, long untilMs, long nowMs) {
        blockedUntil.put("budget\u0000" + budget.key(), Math.min(untilMs, nowMs + RECHECK_MS));
    }

    public int size() {
        return blockedUntil.size();
    }
}
