package io.scalemanager.manager.rules;

import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.time.DurationText;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One parsed rule: on instances matching {@code instances}, when {@code when} has held for {@code forDuration},
 * do {@code then}; a resize keeps rules of its component on that instance blocked for {@code cooldown} after it
 * finishes (see docs/rules.md for which directions a cooldown blocks).
 *
 * @param line   the line of the rule in its file (1-based), so decisions and errors can point at it
 * @param ratio  the share of samples in the {@code for} window that must match, in (0, 1]; 0 when every sample
 *               must (the plain meaning of {@code for})
 * @param maxGap the longest silence between two samples that does not break a run; null for the manager's
 *               default ({@code manager.max_gap})
 * @param active when the rule may act; null for always
 * @param dryRun  {@code dry_run: true}: record what it would do (would_fire), send nothing
 * @param enabled {@code enabled: false}: keep its windows, record {@code paused}, act not
 * @param checks  how its resizes are checked: verify timeout, restarts
 */
public record Rule(String name, InstancePattern instances, When when, Duration forDuration, RuleAction then,
                   Duration cooldown, int line, double ratio, Duration maxGap, ActiveTimes active,
                   boolean dryRun, boolean enabled, ResizeChecks checks) {

    /** {@code ratio} of a rule whose every sample in the window must match. */
    public static final double EVERY_SAMPLE = 0;

    public Rule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(instances, "instances");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(forDuration, "forDuration");
        Objects.requireNonNull(then, "then");
        Objects.requireNonNull(cooldown, "cooldown");
        Objects.requireNonNull(checks, "checks");
        if (forDuration.isNegative() || cooldown.isNegative() || (maxGap != null && maxGap.isNegative())) {
            throw new IllegalArgumentException("durations of rule '" + name + "' must not be negative");
        }
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("ratio of rule '" + name + "' must be within [0, 1], got " + ratio);
        }
    }

    /** A rule whose resizes are checked as the manager's defaults say. */
    public Rule(String name, InstancePattern instances, When when, Duration forDuration, RuleAction then,
                Duration cooldown, int line, double ratio, Duration maxGap, ActiveTimes active,
                boolean dryRun, boolean enabled) {
        this(name, instances, when, forDuration, then, cooldown, line, ratio, maxGap, active, dryRun, enabled,
                ResizeChecks.DEFAULT);
    }

    /** A live, enabled rule. */
    public Rule(String name, InstancePattern instances, When when, Duration forDuration, RuleAction then,
                Duration cooldown, int line, double ratio, Duration maxGap, ActiveTimes active) {
        this(name, instances, when, forDuration, then, cooldown, line, ratio, maxGap, active, false, true);
    }

    /** The same rule, live or dry run, enabled or not. */
    public Rule withSwitches(boolean dryRun, boolean enabled) {
        return new Rule(name, instances, when, forDuration, then, cooldown, line, ratio, maxGap, active, dryRun,
                enabled, checks);
    }

    /** The same rule with its resizes checked as given. */
    public Rule withChecks(ResizeChecks newChecks) {
        return new Rule(name, instances, when, forDuration, then, cooldown, line, ratio, maxGap, active, dryRun,
                enabled, newChecks);
    }

    /** A rule whose every sample must match, with the manager's default max gap. */
    public Rule(String name, InstancePattern instances, When when, Duration forDuration, RuleAction then,
                Duration cooldown, int line) {
        this(name, instances, when, forDuration, then, cooldown, line, EVERY_SAMPLE, null, null);
    }

    /** A rule that may act at any time. */
    public Rule(String name, InstancePattern instances, When when, Duration forDuration, RuleAction then,
                Duration cooldown, int line, double ratio, Duration maxGap) {
        this(name, instances, when, forDuration, then, cooldown, line, ratio, maxGap, null);
    }

    /** Whether the rule may act at this moment (its {@code active} times, if any). */
    public boolean activeAt(long epochMs) {
        return active == null || active.contains(epochMs);
    }

    /** The metric types this rule watches: an event of any of them evaluates it. */
    public Set<String> types() {
        return when.types();
    }

    /** The component this rule resizes; empty for an alert rule. */
    public Optional<Component> component() {
        return then.component();
    }

    public boolean isAlert() {
        return then instanceof RuleAction.RaiseAlert;
    }

    /** The max gap of this rule in milliseconds, or the given default when the rule names none. */
    public long maxGapMs(long defaultMs) {
        return maxGap == null ? defaultMs : maxGap.toMillis();
    }

    /** How the condition must have held, as written: {@code " for 5m"}, {@code " for 5m in 90% of samples"}. */
    public String heldText() {
        if (forDuration.isZero()) {
            return "";
        }
        String share = ratio == EVERY_SAMPLE ? "" : " in " + Condition.number(Math.round(ratio * 10_000) / 100.0)
                + "% of samples";
        return " for " + DurationText.format(forDuration) + share;
    }

    /** One line for reasons and logs: {@code ram-up: ram > 80 for 5m -> ram +1024}. */
    public String describe() {
        return name + ": " + when.describe() + heldText() + " -> " + then.describe();
    }
}
