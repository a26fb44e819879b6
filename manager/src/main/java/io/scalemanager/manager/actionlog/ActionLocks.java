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
 * apart, because a cooldown may block one and not the other ({@link Direction}). What is remembered names the
 * blocking action when it is known, so a blocked rule can say which action blocks it.
 */
public final class ActionLocks {
    /** How long a remembered lock is believed before the database is asked again. */
    public static final long RECHECK_MS = 30_000;

    /**
     * A lock as last seen: held by an action (0 and null when not known which) until {@code untilMs}
     * ({@link Long#MAX_VALUE} while the action is pending or running).
     */
    public record Lock(long actionId, String rule, long untilMs) {
        static Lock unknownAction(long untilMs) {
            return new Lock(0, null, untilMs);
        }
    }

    private record Entry(Lock lock, long believeUntilMs) {
    }

    private final ConcurrentHashMap<String, Entry> blocked = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> budgetFullUntil = new ConcurrentHashMap<>();

    static String key(String instance, Component component) {
        return instance + '\u0000' + component.wireName();
    }

    private static String key(String instance, Component component, Direction direction) {
        return key(instance, component) + (direction == Direction.UP ? "\u0000up" : "\u0000down");
    }

    /** True when this process knows for sure that an action of this direction is blocked at nowMs. */
    public boolean knownBlocked(String instance, Component component, Direction direction, long nowMs) {
        return known(instance, component, direction, nowMs) != null;
    }

    /** The lock blocking an action of this direction at nowMs, when this process knows for sure; else null. */
    public Lock known(String instance, Component component, Direction direction, long nowMs) {
        String key = key(instance, component, direction);
        Entry e = blocked.get(key);
        if (e == null) {
            return null;
        }
        if (e.believeUntilMs() <= nowMs) {
            blocked.remove(key, e);
            return null;
        }
        return e.lock();
    }

    /** The database said an action of this direction is blocked until untilMs (Long.MAX_VALUE: one runs). */
    public void remember(String instance, Component component, Direction direction, long untilMs, long nowMs) {
        remember(instance, component, direction, Lock.unknownAction(untilMs), nowMs);
    }

    /** The database said an action of this direction is blocked by this lock. */
    public void remember(String instance, Component component, Direction direction, Lock lock, long nowMs) {
        long recheckAt = nowMs > Long.MAX_VALUE - RECHECK_MS ? Long.MAX_VALUE : nowMs + RECHECK_MS;
        Entry entry = new Entry(lock, Math.min(lock.untilMs(), recheckAt));
        blocked.put(key(instance, component, direction), entry);
        if (direction == Direction.SET) {
            // An absolute size waits like a scale-down: what blocks it blocks scale-downs.
            blocked.put(key(instance, component, Direction.DOWN), entry);
        }
    }

    /** Every direction is blocked until untilMs, as while an action is pending or running (Long.MAX_VALUE). */
    public void remember(String instance, Component component, long untilMs, long nowMs) {
        remember(instance, component, Lock.unknownAction(untilMs), nowMs);
    }

    /** Every direction is blocked by this lock, as while its action is pending or running. */
    public void remember(String instance, Component component, Lock lock, long nowMs) {
        remember(instance, component, Direction.UP, lock, nowMs);
        remember(instance, component, Direction.DOWN, lock, nowMs);
    }

    /**
     * An action finished and its cooldown runs until untilMs. That blocks scale-downs; whether it blocks scale-ups
     * depends on which way the action went, which the database knows, so scale-ups ask it next.
     */
    public void coolingDown(String instance, Component component, long untilMs, long nowMs) {
        coolingDown(instance, component, Lock.unknownAction(untilMs), nowMs);
    }

    /** {@link #coolingDown(String, Component, long, long)}, naming the action whose cooldown it is. */
    public void coolingDown(String instance, Component component, Lock lock, long nowMs) {
        blocked.remove(key(instance, component, Direction.UP));
        remember(instance, component, Direction.DOWN, lock, nowMs);
    }

    /** Forgets what was known of the lock: the database is asked next. */
    public void forget(String instance, Component component) {
        blocked.remove(key(instance, component, Direction.UP));
        blocked.remove(key(instance, component, Direction.DOWN));
    }

    /** True when this process knows that one of the budgets has no room at nowMs. */
    public boolean knownOverBudget(List<Budget> budgets, long nowMs) {
        for (int i = 0; i < budgets.size(); i++) {
            String key = "budget\u0000" + budgets.get(i).key();
            Long until = budgetFullUntil.get(key);
            if (until != null) {
                if (until > nowMs) {
                    return true;
                }
                budgetFullUntil.remove(key, until);
            }
        }
        return false;
    }

    /** The database said the budget has no room until untilMs at the earliest. */
    public void rememberOverBudget(Budget budget, long untilMs, long nowMs) {
        budgetFullUntil.put("budget\u0000" + budget.key(), Math.min(untilMs, nowMs + RECHECK_MS));
    }

    public int size() {
        return blocked.size();
    }
}
