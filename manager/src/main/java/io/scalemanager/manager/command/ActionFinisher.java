package io.scalemanager.manager.command;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLocks;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.actionlog.ActionStatus;
import io.scalemanager.manager.alert.AlertKind;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.alert.Severity;
import io.scalemanager.manager.rules.Condition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The one way an action ends, whoever ends it (the {@link CommandExecutor}, or {@link StuckActions} for an
 * action nobody followed to its end): the ActionLog records the outcome and turns the lock into a cooldown, this
 * process's lock cache learns it, and the alerts follow — a success clears the rule's alerts on the instance, a
 * failure raises one.
 */
public final class ActionFinisher {
    private static final Logger log = LoggerFactory.getLogger(ActionFinisher.class);
    /** The alerts a release clears: those that said the component stays locked until the size shows or a release. */
    private static final List<AlertKind> RESOLVED_BY_RELEASE = List.of(AlertKind.UNVERIFIED, AlertKind.NEEDS_RESTART);
    /** The alerts a success clears: whatever kept the rule from working on this instance. */
    private static final List<AlertKind> CLEARED_BY_SUCCESS = List.of(AlertKind.COMMAND_FAILED,
            AlertKind.LIMIT_REACHED, AlertKind.NOTHING_TO_CHANGE, AlertKind.UNVERIFIED, AlertKind.NEEDS_RESTART);

    private final ActionLog actionLog;
    private final AlertLog alerts;
    private final Optional<ActionLocks> locks;
    private final Clock clock;
    private final MeterRegistry registry;
    private final List<Consumer<Action>> endListeners = new CopyOnWriteArrayList<>();

    private ActionFinisher(ActionLog actionLog, AlertLog alerts, Optional<ActionLocks> locks, Clock clock,
                           MeterRegistry registry) {
        this.actionLog = actionLog;
        this.alerts = alerts;
        this.locks = locks;
        this.clock = clock;
        this.registry = registry;
    }

    /** In a manager: the lock cache its rule evaluation reads learns each cooldown at once. */
    public static ActionFinisher withLockCache(ActionLog actionLog, AlertLog alerts, ActionLocks locks, Clock clock,
                                               MeterRegistry registry) {
        return new ActionFinisher(actionLog, alerts, Optional.of(locks), clock, registry);
    }

    /**
     * In a process that evaluates no rules (the cleaner): nothing to tell but the database, which the managers'
     * caches re-read within {@link ActionLocks#RECHECK_MS}.
     */
    public static ActionFinisher withoutLockCache(ActionLog actionLog, AlertLog alerts, Clock clock,
                                                  MeterRegistry registry) {
        return new ActionFinisher(actionLog, alerts, Optional.empty(), clock, registry);
    }

    /**
     * Tells {@code listener} of every action that ends through this finisher (succeeded, failed, verified or
     * released), after the ActionLog recorded it: the fleet views forget the instance's cached size.
     */
    public void onEnded(Consumer<Action> listener) {
        endListeners.add(listener);
    }

    /**
     * Finishes the action as succeeded. Empty when it was already finished (by someone else). A database error
     * writing the outcome is thrown, so the caller can try the whole step again.
     */
    public Optional<Long> succeeded(Action a) {
        return succeeded(a, finish(a, ActionStatus.SUCCEEDED, null));
    }

    /**
     * The instance shows the new size: succeeded with {@code verified_at}, {@code verifiedBy} naming whose reading
     * showed it ({@code instance} or {@code provider}). Empty when it was already finished or released.
     */
    public Optional<Long> verified(Action a, String verifiedBy) {
        Optional<Long> until = actionLog.verified(a.id(), verifiedBy);
        until.ifPresent(u -> ended(a, ActionStatus.SUCCEEDED, u));
        return succeeded(a, until);
    }

    /**
     * An operator released the lock of an action that awaits its size: it ends failed (the size was never seen)
     * and its cooldown starts now. No alert is raised (the operator did it), and the alerts that asked for the
     * release (unverified, needs_restart) are resolved. Empty when it does not await its size (any more).
     */
    public Optional<Long> released(Action a, String note) {
        Optional<Long> until = actionLog.release(a.id(), note);
        until.ifPresent(u -> {
            ended(a, ActionStatus.FAILED, u);
            SizeCheck.count(registry, "released");
            log.info("{}: action {} released ({}), size not verified", a.instance(), a.id(), note);
            try {
                for (AlertKind kind : RESOLVED_BY_RELEASE) {
                    alerts.resolve(a.instance(), a.rule(), kind);
                }
            } catch (RuntimeException e) {
                log.warn("Could not resolve the alerts of rule {} on {}: {}", a.rule(), a.instance(), e.getMessage());
            }
        });
        return until;
    }

    private Optional<Long> succeeded(Action a, Optional<Long> until) {
        until.ifPresent(u -> {
            try {
                Action done = actionLog.get(a.id()).orElse(a);
                log.info("{}: {} {} → {} (rule {}: {})", a.instance(), a.change().component(), done.fromValue(),
                        done.toValue(), a.rule(), a.reason());
                for (AlertKind kind : CLEARED_BY_SUCCESS) {
                    alerts.resolve(a.instance(), a.rule(), kind);
                }
            } catch (RuntimeException e) {
                log.warn("Could not resolve the alerts of rule {} on {}: {}", a.rule(), a.instance(), e.getMessage());
            }
        });
        return until;
    }

    /**
     * Finishes the action as failed with {@code error} and raises an alert of {@code kind} ({@code command_failed}
     * is critical, the others warnings). Empty when it was already finished; a database error is thrown.
     */
    public Optional<Long> failed(Action a, String error, AlertKind kind) {
        Optional<Long> until = finish(a, ActionStatus.FAILED, error);
        until.ifPresent(u -> {
            Severity severity = kind == AlertKind.COMMAND_FAILED ? Severity.CRITICAL : Severity.WARNING;
            // The triggering event is named, so people can find the report that led here in the history.
            String message = String.format("%s: %s (rule %s: %s; triggered by event %d, %s %s at %s) was not "
                    + "carried out: %s", a.instance(), a.change().describe(), a.rule(), a.reason(), a.event().seq(),
                    a.event().state().type(), Condition.number(a.event().state().value()),
                    Instant.ofEpochMilli(a.event().state().timestampMs()), error);
            try {
                alerts.raise(severity, a.instance(), a.rule(), kind, message);
            } catch (RuntimeException e) {
                log.error("Could not record alert: {}", message, e);
            }
        });
        return until;
    }

    /**
     * The shrink guard refused the resize before it was sent: failed with {@code refused_by: guard}, which is not a
     * failed command — no alert (the decision record {@code guard} carries the figures), no count among the failed
     * actions of {@code scalemanager_manager_actions_finished} (the outcome metric counts it), no change budget
     * spent — and the cooldown starts, so a rule that keeps holding is refused once per cooldown. Empty when it
     * was already finished.
     */
    public Optional<Long> guarded(Action a, String figures) {
        Optional<Long> until = actionLog.refuse(a.id(), Action.REFUSED_BY_GUARD,
                "not carried out: the shrink guard refused it: " + figures);
        until.ifPresent(u -> ended(a, Optional.empty(), u));
        return until;
    }

    private Optional<Long> finish(Action a, ActionStatus status, String error) {
        Optional<Long> until = actionLog.finish(a.id(), status, error);
        until.ifPresent(u -> ended(a, status, u));
        return until;
    }

    private void ended(Action a, ActionStatus status, long cooldownUntil) {
        ended(a, Optional.of(status), cooldownUntil);
    }

    /** {@code counted} empty: an action refused before sending, which is no finished command to count. */
    private void ended(Action a, Optional<ActionStatus> counted, long cooldownUntil) {
        for (Consumer<Action> listener : endListeners) {
            listener.accept(a);
        }
        locks.ifPresent(l -> l.coolingDown(a.instance(), a.change().component(),
                new ActionLocks.Lock(a.id(), a.rule(), cooldownUntil), clock.millis()));
        counted.ifPresent(status -> Counter.builder("scalemanager_manager_actions_finished")
                .description("Actions finished, by final status (not those the shrink guard refused)")
                .tag("status", status.wireName()).register(registry).increment());
    }
}
