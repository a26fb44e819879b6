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
 *
 * @param dryRun {@code dry_run: true}: record what it would do (would_fire), send nothing, as a rule's dry run
 */
public record Schedule(String name, InstancePattern instances, WeekTime at, Map<Component, Long> set,
                       Duration catchUp, Duration cooldown, int line, boolean dryRun) {

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

    /** A schedule that acts (not a dry run). */
    public Schedule(String name, InstancePattern instances, WeekTime at, Map<Component, Long> set,
                    Duration catchUp, Duration cooldown, int line) {
        this(name, instances, at, set, catchUp, cooldown, line, false);
    }

    /** The reason recorded with its actions. */
    public String reason() {
        return "schedule " + name;
    }

    /** The reason of an occurrence's action (or dry run): {@code schedule business-hours (Mon-Fri 07:30 UTC)}. */
    public String occurrenceReason() {
        return reason() + " (" + at.time() + " " + at.zone() + ")";
    }
}
