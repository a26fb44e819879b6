package io.scalemanager.manager.command;

import io.scalemanager.manager.actionlog.Action;

/**
 * What happens after a resize operation succeeded, when the manager does not take the provider's word for it:
 * the action waits (status verifying, its lock held) until the instance shows the new size.
 */
@FunctionalInterface
public interface SizeCheck {
    /** The action's operation succeeded; a database error is thrown so the executor can try again. */
    void expect(Action action);
}
