package io.scalemanager.manager.command;

import io.scalemanager.manager.actionlog.Action;

import java.util.Optional;

/**
 * Whether a planned resize may be sent, asked on the executor's threads once the sizes are known (the shrink
 * guard): it may read history, so it never runs on a partition's rule evaluation.
 */
@FunctionalInterface
public interface ShrinkCheck {
    /** Nothing to say against the resize {@code from → to}; otherwise why not, with the figures. */
    Optional<String> refusal(Action action, long from, long to);

    /** A check that lets everything through. */
    ShrinkCheck NONE = (action, from, to) -> Optional.empty();
}
