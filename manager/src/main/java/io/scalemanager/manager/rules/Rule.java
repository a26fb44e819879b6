package io.scalemanager.manager.rules;

import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.time.DurationText;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One parsed rule: on instances matching {@code instances}, when {@code when} has held for {@code forDuration},
 * do {@code then}; a resize keeps rules of its component on that instance blocked for {@code cooldown} after it
 * finishes.
 *
 * @param line the line of the rule in its file (1-based), so decisions and errors can point at it
 */
public record Rule(String name, InstancePattern instances, Condition when, Duration forDuration, RuleAction then,
                   Duration cooldown, int line) {

    public Rule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(instances, "instances");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(forDuration, "forDuration");
        Objects.requireNonNull(then, "then");
        Objects.requireNonNull(cooldown, "cooldown");
        if (forDuration.isNegative() || cooldown.isNegative()) {
            throw new IllegalArgumentException("durations of rule '" + name + "' must not be negative");
        }
    }

    /** The metric type this rule watches. */
    public String type() {
        return when.type();
    }

    /** The component this rule resizes; empty for an alert rule. */
    public Optional<Component> component() {
        return then.component();
    }

    public boolean isAlert() {
        return then instanceof RuleAction.RaiseAlert;
    }

    /** One line for reasons and logs: {@code ram-up: ram > 80 for 5m -> ram +1024}. */
    public String describe() {
        String held = forDuration.isZero() ? "" : " for " + DurationText.format(forDuration);
        return name + ": " + when.describe() + held + " -> " + then.describe();
    }
}
