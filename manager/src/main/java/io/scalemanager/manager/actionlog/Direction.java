package io.scalemanager.manager.actionlog;

import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;

/**
 * Which way an action resizes, for the cooldowns per direction: a scale-up waits only for running actions and the
 * cooldowns of earlier scale-ups; a scale-down (and an absolute size, whose direction is known only once the
 * current size is read) waits for every cooldown.
 */
public enum Direction {
    UP, DOWN, SET;

    /** The direction of a change as written: {@code +N} and {@code +N%} are up, {@code -N} and {@code -N%} down. */
    public static Direction of(Change change) {
        if (change.mode() == ChangeMode.ABS) {
            return SET;
        }
        return change.value() >= 0 ? UP : DOWN;
    }

    /** Whether an action of this direction waits for the cooldowns of scale-downs. */
    boolean waitsForDownCooldowns() {
        return this != UP;
    }
}
