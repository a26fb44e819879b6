package io.scalemanager.manager.command;

import io.scalemanager.core.operation.ResizeResult;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ResizePlan;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.alert.AlertKind;
import io.scalemanager.retry.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Carries out started actions without holding up rule evaluation: reads the instance's size, applies the limits,
 * records the plan, sends the command, follows the operation to its end, finishes the action (which starts the
 * cooldown) and raises an alert when it failed. Every step is written to the ActionLog first, so after a
 * restart {@link #resumeUnfinished()} continues each action where it stood and never sends a second command.
 */
public final class CommandExecutor implements AutoCloseable {
    /**
     * The Idempotency-Key of a command is this and the action's id: a resend after a restart replays the same
     * operation, and the instance API's side tells commands from direct resizes by it.
     */
    public static final String IDEMPOTENCY_KEY_PREFIX = "action-";

    private static final Logger log = LoggerFactory.getLogger(CommandExecutor.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final ActionLog actionLog;
    private final ActionFinisher finisher;
    private final InstanceApiClient client;
    private final Supplier<Limits> limits;
    private final Clock clock;
    private final CommandSettings settings;
    private final Backoff backoff;
    private final ScheduledExecutorService scheduler;
    private volatile BiConsumer<Action, ResizePlan.Unchanged> unchangedListener = (a, plan) -> {
    };
    private final Optional<SizeCheck> sizeCheck;
    private final Function<String, RestartPolicy> restartOf;
    private final ShrinkCheck shrinkCheck;
    private volatile BiConsumer<Action, String> guardedListener = (a, figures) -> {
    };

    /** An action succeeds as soon as its operation did: nothing checks that the instance shows the new size. */
    public CommandExecutor(ActionLog actionLog, ActionFinisher finisher, InstanceApiClient client,
                           Supplier<Limits> limits, Clock clock, CommandSettings settings) {
        this(actionLog, finisher, client, limits, clock, settings, Optional.empty());
    }

    /**
     * @param sizeCheck when present, an action whose operation succeeded is handed to it (status verifying)
     *                  instead of succeeding at once
     */
    public CommandExecutor(ActionLog actionLog, ActionFinisher finisher, InstanceApiClient client,
                           Supplier<Limits> limits, Clock clock, CommandSettings settings,
                           Optional<SizeCheck> sizeCheck) {
        this(actionLog, finisher, client, limits, clock, settings, sizeCheck, rule -> RestartPolicy.ALLOWED);
    }

    /**
     * @param sizeCheck when present, an action whose operation succeeded is handed to it (status verifying)
     *                  instead of succeeding at once
     * @param restartOf per rule name, whether its resizes may wait for a restart ({@code restart: never})
     */
    public CommandExecutor(ActionLog actionLog, ActionFinisher finisher, InstanceApiClient client,
                           Supplier<Limits> limits, Clock clock, CommandSettings settings,
                           Optional<SizeCheck> sizeCheck, Function<String, RestartPolicy> restartOf) {
        this(actionLog, finisher, client, limits, clock, settings, sizeCheck, restartOf, ShrinkCheck.NONE);
    }

    /**
     * @param sizeCheck   when present, an action whose operation succeeded is handed to it (status verifying)
     *                    instead of succeeding at once
     * @param restartOf   per rule name, whether its resizes may wait for a restart ({@code restart: never})
     * @param shrinkCheck asked before a planned resize is sent (the shrink guard); a refusal ends the action
     *                    unsent
     */
    public CommandExecutor(ActionLog actionLog, ActionFinisher finisher, InstanceApiClient client,
                           Supplier<Limits> limits, Clock clock, CommandSettings settings,
                           Optional<SizeCheck> sizeCheck, Function<String, RestartPolicy> restartOf,
                           ShrinkCheck shrinkCheck) {
        this.sizeCheck = sizeCheck;
        this.restartOf = restartOf;
        this.shrinkCheck = shrinkCheck;
        this.actionLog = actionLog;
        this.finisher = finisher;
        this.client = client;
        this.limits = limits;
        this.clock = clock;
        this.settings = settings;
        this.backoff = new Backoff(settings.retryBackoff(), MAX_BACKOFF);
        this.scheduler = Executors.newScheduledThreadPool(4, r -> {
            Thread t = new Thread(r, "command-executor");
            t.setDaemon(true);
            return t;
        });
    }

    /** Who hears of an action that found nothing to change (its rule is at a limit); one listener. */
    public void onUnchanged(BiConsumer<Action, ResizePlan.Unchanged> listener) {
        this.unchangedListener = listener;
    }

    /** Who hears of an action the shrink guard refused, with the figures; one listener. */
    public void onGuarded(BiConsumer<Action, String> listener) {
        this.guardedListener = listener;
    }

    private void tellUnchanged(Action a, ResizePlan.Unchanged plan) {
        try {
            unchangedListener.accept(a, plan);
        } catch (RuntimeException e) {
            log.warn("Could not record that action {} found nothing to change: {}", a.id(), e.getMessage());
        }
    }

    /**
     * The resize a change would make on the instance now, worked out exactly as for a command, without sending
     * anything: a dry run's would-be resize. Completes with null when the size cannot be read.
     */
    public CompletableFuture<ResizePlan> preview(String instance, Change change) {
        CompletableFuture<ResizePlan> result = new CompletableFuture<>();
        scheduler.execute(() -> {
            try {
                Optional<Size> size = client.size(instance);
                result.complete(size.map(s -> ResizePlan.of(change, s,
                        limits.get().boundsFor(instance, change.component()))).orElse(null));
            } catch (RuntimeException e) {
                log.info("Dry run on {}: cannot read its size: {}", instance, e.getMessage());
                result.complete(null);
            }
        });
        return result;
    }

    /** Starts carrying out an action that was just written to the ActionLog. */
    public void execute(Action action) {
        scheduler.execute(() -> send(action.id(), 1));
    }

    /** Continues every action a previous run left pending or running. */
    public void resumeUnfinished() {
        resumeUnfinished(instance -> true);
    }

    /**
     * Continues the pending or running actions of the instances this manager now decides for: left by its own
     * last run, or by a manager that stopped or lost these instances to it.
     */
    public void resumeUnfinished(Predicate<String> instances) {
        for (Action a : actionLog.unfinished()) {
            if (!instances.test(a.instance())) {
                continue;
            }
            log.info("Resuming action {} ({} {} on {}), left {} by the last run",
                    a.id(), a.rule(), a.change().describe(), a.instance(), a.status().wireName());
            if (a.operation() != null) {
                scheduler.execute(() -> poll(a.id(), a.operation()));
            } else {
                scheduler.execute(() -> send(a.id(), 1));
            }
        }
    }

    private void send(long id, int attempt) {
        Optional<Action> found = readAction(id, () -> send(id, attempt));
        if (found.isEmpty() || !found.get().status().commandInFlight()) {
            return;
        }
        Action a = found.get();
        Component component = a.change().component();
        try {
            long from;
            long to;
            if (a.toValue() != null) {
                // Planned before a restart: ask for exactly the same, so the Idempotency-Key replays.
                from = a.fromValue();
                to = a.toValue();
            } else {
                Optional<Size> size = client.size(a.instance());
                if (size.isEmpty()) {
                    fail(a, "the instance API does not know instance " + a.instance(), AlertKind.COMMAND_FAILED);
                    return;
                }
                ResizePlan plan = ResizePlan.of(a.change(), size.get(),
                        limits.get().boundsFor(a.instance(), component));
                if (plan instanceof ResizePlan.Unchanged unchanged) {
                    fail(a, unchanged.describe(), unchanged.atLimit() ? AlertKind.LIMIT_REACHED : AlertKind.NOTHING_TO_CHANGE);
                    tellUnchanged(a, unchanged);
                    return;
                }
                from = ((ResizePlan.Resize) plan).from();
                to = ((ResizePlan.Resize) plan).to();
                actionLog.plan(id, from, to);
            }
            Optional<String> refused = shrinkCheck.refusal(a, from, to);
            if (refused.isPresent()) {
                guarded(a, refused.get());
                return;
            }
            String operation = client.resize(a.instance(), component, to, restartOf.apply(a.rule()),
                    IDEMPOTENCY_KEY_PREFIX + id);
            actionLog.markRunning(id, operation);
            schedule(() -> poll(id, operation), settings.pollInterval().toMillis());
        } catch (CommandException e) {
            if (e.retryable() && attempt < settings.maxAttempts()) {
                long backoff = backoffMs(attempt);
                // Said once at INFO; the retries of the same wait (an operation in progress, often) at DEBUG.
                if (attempt == 1) {
                    log.info("Action {} on {}: {}; trying again (further attempts logged at DEBUG)", id,
                            a.instance(), e.getMessage());
                } else {
                    log.debug("Action {} on {}: {}; attempt {}, trying again in {} ms", id, a.instance(),
                            e.getMessage(), attempt + 1, backoff);
                }
                schedule(() -> send(id, attempt + 1), backoff);
            } else {
                fail(a, "the instance API refused the command: " + e.getMessage(), AlertKind.COMMAND_FAILED);
            }
        } catch (RuntimeException e) {
            log.warn("Action {}: {}; trying again", id, e.getMessage());
            schedule(() -> send(id, attempt), backoffMs(attempt));
        }
    }

    private void poll(long id, String operation) {
        Optional<Action> found = readAction(id, () -> poll(id, operation));
        if (found.isEmpty() || !found.get().status().commandInFlight()) {
            return;
        }
        Action a = found.get();
        boolean timedOut = clock.millis() - a.createdAtMs() > settings.actionTimeout().toMillis();
        try {
            InstanceApiClient.OperationState state = client.operation(operation);
            ResizeResult result = state.result();
            if (result instanceof ResizeResult.NeedsRestart restart && sizeCheck.isPresent()) {
                finishOrRetry(a.id(), () -> sizeCheck.get().needsRestart(a, restart.note()),
                        () -> poll(id, operation));
            } else if (result instanceof ResizeResult.Made) {
                succeed(a);
            } else if (result instanceof ResizeResult.Failed failed) {
                fail(a, "operation " + operation + " failed: " + failed.error(), AlertKind.COMMAND_FAILED);
            } else if (timedOut) {
                fail(a, "operation " + operation + " still " + state.status() + " after "
                        + settings.actionTimeout().toMinutes() + " minutes", AlertKind.COMMAND_FAILED);
            } else {
                schedule(() -> poll(id, operation), settings.pollInterval().toMillis());
            }
        } catch (RuntimeException e) {
            if (timedOut) {
                fail(a, "no result for operation " + operation + ": " + e.getMessage(), AlertKind.COMMAND_FAILED);
            } else {
                schedule(() -> poll(id, operation), backoffMs(2));
            }
        }
    }

    private void succeed(Action a) {
        if (sizeCheck.isPresent()) {
            finishOrRetry(a.id(), () -> sizeCheck.get().expect(a), () -> succeed(a));
        } else {
            finishOrRetry(a.id(), () -> finisher.succeeded(a), () -> succeed(a));
        }
    }

    private void guarded(Action a, String figures) {
        finishOrRetry(a.id(), () -> finisher.guarded(a, figures).ifPresent(until -> {
            log.info("{}: {} not made (rule {}): the shrink guard says {}", a.instance(), a.change().describe(),
                    a.rule(), figures);
            try {
                guardedListener.accept(a, figures);
            } catch (RuntimeException e) {
                log.warn("Could not record that action {} was refused by the guard: {}", a.id(), e.getMessage());
            }
        }), () -> guarded(a, figures));
    }

    private void fail(Action a, String error, AlertKind kind) {
        finishOrRetry(a.id(), () -> finisher.failed(a, error, kind), () -> fail(a, error, kind));
    }

    /** On a database error, runs {@code retry} later: the caller's whole outcome, so its alert is not lost. */
    private void finishOrRetry(long id, Runnable finish, Runnable retry) {
        try {
            finish.run();
        } catch (RuntimeException e) {
            log.warn("Could not finish action {}: {}; trying again", id, e.getMessage());
            schedule(retry, backoffMs(3));
        }
    }

    private Optional<Action> readAction(long id, Runnable retry) {
        try {
            return actionLog.get(id);
        } catch (RuntimeException e) {
            log.warn("Could not read action {}: {}; trying again", id, e.getMessage());
            schedule(retry, backoffMs(3));
            return Optional.empty();
        }
    }

    /** Attempts count from 1: the wait after the first failure is the configured retry backoff. */
    private long backoffMs(int attempt) {
        return backoff.delay(Math.max(0, attempt - 1)).toMillis();
    }

    private void schedule(Runnable task, long delayMs) {
        if (!scheduler.isShutdown()) {
            scheduler.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops; actions in flight stay pending or running in the ActionLog and are resumed on the next start. */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
