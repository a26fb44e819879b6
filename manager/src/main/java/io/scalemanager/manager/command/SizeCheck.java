package io.scalemanager.manager.command;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scalemanager.manager.actionlog.Action;

/**
 * What happens after a resize operation succeeded, when the manager does not take the provider's word for it:
 * the action waits (status verifying, its lock held) until the instance shows the new size.
 */
public interface SizeCheck {
    /**
     * The counter of checked resizes, by {@code result}: verified, unverified, needs_restart, released,
     * rolled_back (shown as {@code scalemanager_resize_checks_total}).
     */
    String METRIC = "scalemanager_resize_checks";
    String METRIC_HELP = "Checked resizes by result: verified (the instance showed the new size), unverified (it did "
            + "not within verify_timeout), needs_restart (stored for the next restart), released (by an operator), rolled_back "
            + "(a rollback started)";

    /** Counts one result of a checked resize. */
    static void count(MeterRegistry registry, String result) {
        Counter.builder(METRIC).description(METRIC_HELP).tag("result", result).register(registry).increment();
    }

    /** The action's operation succeeded; a database error is thrown so the executor can try again. */
    void expect(Action action);

    /**
     * The provider stored the change for the instance's next restart ({@code note} says how): the action waits,
     * holding its lock, until the VM shows the size. A database error is thrown so the executor can try again.
     */
    void needsRestart(Action action, String note);
}
