package io.scalemanager.manager.rules;

import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Component;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A scheduled size ({@code schedules:} in the rules file): at every occurrence of {@code at}, the matching instances
 * are set to the sizes in {@code set}, once per occurrence, through the ActionLog like a rule's action. An
 * occurrence missed (the manager was down) by at most {@code catchUp} still runs; older ones are skipped.
 */
public record Schedule(String name, InstancePattern instances, WeekTime at, Map<Component, Long> set,
                       Duration catchUp, Duration cooldown, int line) {

    public Schedule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(instances, "instances");
        Objects.requireNonNull(at, "at");
        set = Map.copyOf(set);
        if (set.isEmpty()) {
            throw new IllegalArgumentException("schedule '" + name + "' sets nothing");
        }
        Objects.requireNonNull(catchUp, "catchUp");
        Objects.requireNonNull(cooldown, "cooldown");
    }

    /** The reason recorded with its actions. */
    public String reason() {
        return "schedule " + name;
    }
}
