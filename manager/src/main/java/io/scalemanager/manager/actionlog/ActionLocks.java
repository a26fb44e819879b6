package io.scalemanager.manager.actionlog;

import io.scalemanager.core.sizing.Component;

import java.util.concurrent.ConcurrentHashMap;

/**
 * What this process knows of the locks in the ActionLog, so an event whose rule holds during a cooldown does not
 * cost a database round trip. The database stays the authority: an unknown or expired entry means "ask it".
 */
public final class ActionLocks {
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

    public void remember(String instance, Component component, long untilMs) {
        blockedUntil.put(key(instance, component), untilMs);
    }

    public int size() {
        return blockedUntil.size();
    }
}
