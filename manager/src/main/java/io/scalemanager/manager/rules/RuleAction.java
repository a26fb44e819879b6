package io.scalemanager.manager.rules;

import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.Component;

import java.util.Objects;
import java.util.Optional;

/** What a rule does when it fires: resize one component, or raise an alert and change nothing. */
public sealed interface RuleAction {

    /** The component this action resizes; empty for an alert. */
    Optional<Component> component();

    /** Text as written in a rule: {@code ram +1024} or {@code alert}. */
    String describe();

    /** {@code then: ram +1024}: send a resize command. */
    record Resize(Change change) implements RuleAction {
        public Resize {
            Objects.requireNonNull(change, "change");
        }

        @Override
        public Optional<Component> component() {
            return Optional.of(change.component());
        }

        @Override
        public String describe() {
            return change.describe();
        }
    }

    /** {@code then: alert}: raise an alert through every configured channel. */
    record RaiseAlert() implements RuleAction {
        @Override
        public Optional<Component> component() {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "alert";
        }
    }
}
