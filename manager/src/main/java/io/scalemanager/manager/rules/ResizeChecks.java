package io.scalemanager.manager.rules;

import io.scalemanager.core.sizing.RestartPolicy;

import java.time.Duration;
import java.util.Objects;

/**
 * How the resizes of one rule are checked (docs/rules.md, "Checked resizes"): how long the instance has to show
 * its new size, whether a change may be one that takes effect only at the instance's next restart, and whether
 * its shrinks pass the shrink guard, and when a resize is rolled back.
 *
 * @param verifyTimeout {@code verify_timeout}: how long an action stays verifying before it is unverified; null
 *                      for the manager's {@code manager.verify_timeout}
 * @param restart       {@code restart: never} makes a provider refuse a change that would wait for a restart
 * @param guard         {@code guard: false} lets the rule shrink without the shrink guard's projection
 * @param rollback      {@code rollback: {when, within}}: when to resize back after a resize; null for never
 */
public record ResizeChecks(Duration verifyTimeout, RestartPolicy restart, boolean guard, Rollback rollback) {
    /** A rule that names none of the keys: the manager's verify timeout, restarts allowed, shrinks guarded. */
    public static final ResizeChecks DEFAULT = new ResizeChecks(null, RestartPolicy.ALLOWED, true, null);

    /** Checks without a rollback. */
    public ResizeChecks(Duration verifyTimeout, RestartPolicy restart, boolean guard) {
        this(verifyTimeout, restart, guard, null);
    }

    public ResizeChecks {
        Objects.requireNonNull(restart, "restart");
        if (verifyTimeout != null && (verifyTimeout.isNegative() || verifyTimeout.isZero())) {
            throw new IllegalArgumentException("verify_timeout must be above zero, got " + verifyTimeout);
        }
    }

    /** This rule's verify timeout, or the manager's when the rule names none. */
    public Duration verifyTimeoutOr(Duration managerDefault) {
        return verifyTimeout == null ? managerDefault : verifyTimeout;
    }
}
