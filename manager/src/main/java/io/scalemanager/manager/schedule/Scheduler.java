package io.scalemanager.manager.schedule;

import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.actionlog.Direction;
import io.scalemanager.manager.actionlog.NewAction;
import io.scalemanager.manager.actionlog.StartResult;
import io.scalemanager.manager.decide.Block;
import io.scalemanager.manager.decide.Outcome;
import io.scalemanager.manager.decide.OutcomeKind;
import io.scalemanager.manager.decision.Decision;
import io.scalemanager.manager.decision.OutcomeRecorder;
import io.scalemanager.manager.rules.Schedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Carries out the ruleset's {@code schedules:}: on every tick, for each schedule whose latest occurrence lies
 * within its {@code catch_up}, starts an absolute resize for each matching instance this manager knows, through
 * the ActionLog like a rule's action (its lock, cooldowns and limits apply). The action's trigger is the
 * occurrence itself (event sequence = occurrence in epoch ms × 8 + component), so the ActionLog's unique key
 * makes it happen once per occurrence across managers and restarts. A start refused by a lock is tried again on
 * the next tick until the catch-up ends; an occurrence older than that is skipped and logged. What to start when
 * is decided by {@link ScheduleTicks}, which a backtest runs too.
 *
 * <p>Under manager.dry_run, or a schedule's own {@code dry_run}, an occurrence starts nothing: it goes to the
 * manager's dry-run path ({@link DryRuns}), which works out the resize it would have made, sends nothing, takes
 * no lock and waits the schedule's cooldown as a shadow cooldown. Its {@code would_fire} is recorded once per
 * instance and component across restarts and managers ({@link DryRunOccurrences}).
 *
 * <p>Each occurrence's outcome on an instance ({@code fired}, {@code would_fire}, or {@code blocked} while a lock
 * holds it back) is recorded under the schedule's name as a rule's is, so the instance's {@code why}, the
 * decision log and {@code scalemanager_rule_outcomes_total} show it.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    /** How often the manager ticks; a backtest ticks as often in replayed time. */
    public static final Duration TICK = Duration.ofSeconds(10);
    private static final Duration FORGET_INTERVAL = Duration.ofHours(1);

    private final Supplier<List<Schedule>> schedules;
    private final Supplier<Collection<String>> instances;
    private final ActionLog actionLog;
    private final Consumer<Action> execute;
    private final Clock clock;
    private final ScheduleTicks ticks = new ScheduleTicks();
    private final ScheduleStarts starts = new LiveStarts();
    private final boolean dryRunAll;
    private final DryRuns dryRuns;
    private final OutcomeRecorder outcomes;
    private final DryRunOccurrences dryRecords;
    private long forgottenAtMs;
    private ScheduledExecutorService timer;

    /** Where an occurrence that runs dry goes: the manager's dry-run path (see {@code Manager.dryRunSchedule}). */
    public interface DryRuns {
        /**
         * What the occurrence would do to the instance's component, changing and sending nothing: an
         * {@link Outcome.WouldFire}, or an {@link Outcome.Blocked} when a lock or a dry run's shadow cooldown holds
         * it back (then it is tried again on the next tick, as a live start).
         */
        Outcome wouldStart(Schedule schedule, String instance, Component component, long size, long occurrenceMs);

        /** The would_fire was recorded: the component waits the schedule's cooldown for dry runs, until then. */
        void recorded(Schedule schedule, String instance, Component component, long untilMs);
    }

    /**
     * @param instances the instances this manager owns (its fleet view)
     * @param execute   sends a started action (the CommandExecutor)
     * @param dryRunAll manager.dry_run: every schedule runs dry
     * @param dryRuns   where the occurrences that run dry go
     * @param outcomes  where the occurrences' outcomes are recorded, under the schedule's name
     * @param dryRecords which dry occurrences were recorded, so each is recorded once
     */
    public Scheduler(Supplier<List<Schedule>> schedules, Supplier<Collection<String>> instances, ActionLog actionLog,
                     Consumer<Action> execute, Clock clock, boolean dryRunAll, DryRuns dryRuns,
                     OutcomeRecorder outcomes, DryRunOccurrences dryRecords) {
        this.schedules = schedules;
        this.instances = instances;
        this.actionLog = actionLog;
        this.execute = execute;
        this.clock = clock;
        this.dryRunAll = dryRunAll;
        this.dryRuns = dryRuns;
        this.outcomes = outcomes;
        this.dryRecords = dryRecords;
    }

    /** Ticks every interval on its own thread until closed. */
    public synchronized void start(Duration interval) {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scheduler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                log.warn("Schedules: {}; trying again on the next tick", e.getMessage());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One pass over the schedules as of the clock's now; returns how many actions (or dry runs) it started. */
    public int tick() {
        List<Schedule> current = schedules.get();
        int started = ticks.tick(clock.instant(), current, instances.get(), starts);
        forgetOldDryRuns(current);
        return started;
    }

    /** Once an hour: the dry occurrences past every schedule's catch-up can never be due again. */
    private void forgetOldDryRuns(List<Schedule> current) {
        long now = clock.millis();
        if (now - forgottenAtMs < FORGET_INTERVAL.toMillis()) {
            return;
        }
        Duration longest = Duration.ZERO;
        for (Schedule s : current) {
            longest = s.catchUp().compareTo(longest) > 0 ? s.catchUp() : longest;
        }
        dryRecords.forgetBefore(now - longest.plus(TICK).toMillis());
        forgottenAtMs = now;
    }

    /** The live side of a start: the ActionLog's unique key makes an occurrence happen once across managers. */
    private final class LiveStarts implements ScheduleStarts {
        @Override
        public Result start(Schedule s, Instant occurrence, String instance, Component component, long size) {
            long at = occurrence.toEpochMilli();
            if (dryRunAll || s.dryRun()) {
                return dryRun(s, at, instance, component, size);
            }
            Change change = new Change(component, ChangeMode.ABS, size);
            Event trigger = new Event(at * 8 + component.ordinal(), new State(instance, "schedule", size, at));
            StartResult result = actionLog.start(new NewAction(s.name(), change, s.occurrenceReason(), s.cooldown(),
                    trigger));
            if (result instanceof StartResult.Started st) {
                log.info("{}: {} {} → {} ({})", instance, s.reason(), component, size, occurrence);
                // Its decision row was written with the action; this is the latest outcome and the count.
                outcomes.record(instance, new Outcome.Fired(s.name(), null, at,
                        ActionLog.firedReason(change, s.occurrenceReason()), st.action().id()));
                execute.accept(st.action());
                return Result.STARTED;
            }
            if (result instanceof StartResult.Blocked blocked) {
                log.debug("{}: {} waits for the lock of {} until {}", instance, s.reason(), component,
                        blocked.untilMs());
                outcomes.record(instance, new Outcome.Blocked(s.name(), null, at, lockBlock(instance, change,
                        blocked.untilMs())));
                return Result.BLOCKED;
            }
            // AlreadyDecided: another manager, or this one before a restart, carried it out. A schedule names
            // no budgets, so it is never over one.
            return Result.ALREADY_DONE;
        }

        /**
         * Recorded once: a key taken by this manager before a restart, or by another, means done. The would_fire
         * row and the key are written in one transaction; only then does the shadow cooldown start, so a failed
         * write leaves the occurrence to the next tick.
         */
        private Result dryRun(Schedule s, long at, String instance, Component component, long size) {
            DryRunOccurrences.Key key = new DryRunOccurrences.Key(at, s.name(), instance, component);
            if (dryRecords.recorded(key)) {
                return Result.ALREADY_DONE;
            }
            Outcome outcome = dryRuns.wouldStart(s, instance, component, size, at);
            if (outcome.kind() != OutcomeKind.WOULD_FIRE) {
                outcomes.record(instance, outcome);
                return Result.BLOCKED;
            }
            if (!dryRecords.record(key, new Decision(0, at, instance, s.name(), OutcomeKind.WOULD_FIRE,
                    outcome.reason(), null))) {
                return Result.ALREADY_DONE;
            }
            dryRuns.recorded(s, instance, component, outcome.untilMs());
            log.info("{}: {} (schedule {})", instance, outcome.reason(), s.name());
            outcomes.recordWritten(instance, outcome);
            return Result.STARTED;
        }

        /** What holds the component: the lock's action when it can be read, else only until when. */
        private Block lockBlock(String instance, Change change, long untilMs) {
            Block.Kind kind = untilMs == Long.MAX_VALUE ? Block.Kind.RUNNING : Block.Kind.COOLDOWN;
            try {
                return actionLog.lockHolder(instance, change.component(), Direction.of(change))
                        .map(l -> new Block(kind, l.actionId() == 0 ? null : l.actionId(), l.rule(), l.untilMs()))
                        .orElse(new Block(kind, null, null, untilMs));
            } catch (RuntimeException e) {
                return new Block(kind, null, null, untilMs);
            }
        }

        @Override
        public void skipped(Schedule s, Instant occurrence) {
            log.info("Schedule {}: the occurrence at {} is more than catch_up {} ago; skipped where it has not run",
                    s.name(), occurrence, s.catchUp());
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
