package io.scalemanager.manager.actionlog;

import io.scalemanager.core.sizing.Component;

import java.util.concurrent.ConcurrentHashMap;

/**
 * What this process knows of the locks in the ActionLog, so an event whose rule holds during a cooldown does not
 * cost a database round trip. The database stays the authority: an unknown or expired entry means "ask it", and
 * no entry is trusted for longer than {@link #RECHECK_MS}, because another process (a second manager, a separate
 * cleaner finishing a stuck action) may have changed the lock since.
 */
public final class ActionLocks {
    /** How long a remembered lock is believed before the database is asked again. */
    public static final long RECHECK_MS = 30_000;

    private final ConcurrentHashMap<String, Long> blockedUntil = new ConcurrentHashMap<>();

    static String key(String instance, Component component) {
        return instance + '\u0000' + component.wireName();
    }

    /** True when this process knows for sure that the lock is held at nowMs. */
    public boolean knownBlocked(String instance, Component component, long nowMs) {
        Long until = blockedUntil.get(key(instance, component));
        if (until == null) {
            return false;
        }
        if (until <= nowMs) {
            blockedUntil.remove(key(instance, component), until);
            return false;
        }
        return true;
    }

    /** The lock is held until untilMs (Long.MAX_VALUE: while an action is pending or running), as seen at nowMs. */
    public void remember(String instance, Component component, long untilMs, long nowMs) {
        long recheckAt = nowMs > Long.MAX_VALUE - RECHECK_MS ? Long.MAX_VALUE : nowMs + RECHECK_MS;
        blockedUntil.put(key(instance, component), Math.min(untilMs, recheckAt));
    }

    public int size() {
        return blockedUntil.size();
    }
}
