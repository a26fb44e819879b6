package io.scalemanager.manager.schedule;

import io.scalemanager.core.sizing.Component;
import io.scalemanager.manager.rules.Schedule;

import java.time.Instant;

/**
 * Where {@link ScheduleTicks} starts the actions of a schedule's occurrence: the live ActionLog (the
 * {@link Scheduler}) or a backtest's simulated one, so both carry out schedules with the same code.
 */
public interface ScheduleStarts {

    /** What became of one start. */
    enum Result {
        /** The action started. */
        STARTED,
        /** It was carried out already (by another manager, before a restart, or before a backtest's range). */
        ALREADY_DONE,
        /** The component's lock or cooldown holds it: tried again on the next tick within the catch-up. */
        BLOCKED
    }

    /** Sets the instance's component to {@code size} for the occurrence of the schedule. */
    Result start(Schedule schedule, Instant occurrence, String instance, Component component, long size);

    /** The occurrence lies more than the schedule's catch-up back: skipped where it has not run. Once each. */
    default void skipped(Schedule schedule, Instant occurrence) {
    }
}
