package io.scalemanager.manager.command;

import io.scalemanager.core.operation.ResizeResult;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.alert.AlertKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finishes actions left pending or running longer than {@code stuckAfter} (a manager that died, an answer that
 * never came): asks the instance API how their operation ended and finishes them so, through the same
 * {@link ActionFinisher} as the {@link CommandExecutor} (the lock becomes a cooldown, a failure raises a
 * {@code command_failed} alert). An action never sent (no operation) failed. An operation still in progress, or
 * an instance API that cannot answer now, is left for the next run. The cleaner runs it; it lives here because
 * it is the manager's way of ending an action.
 */
public final class StuckActions {
    private static final Logger log = LoggerFactory.getLogger(StuckActions.class);
    private static final String FOUND_BY = " (found stuck by the cleaner)";

    /** What became of one stuck action. */
    public record Resolution(long actionId, String outcome) {
    }

    private final ActionLog actionLog;
    private final ActionFinisher finisher;
    private final InstanceApiClient instanceApi;
    private final Clock clock;
    private final Duration stuckAfter;

    public StuckActions(ActionLog actionLog, ActionFinisher finisher, InstanceApiClient instanceApi, Clock clock,
                        Duration stuckAfter) {
        this.actionLog = actionLog;
        this.finisher = finisher;
        this.instanceApi = instanceApi;
        this.clock = clock;
        this.stuckAfter = stuckAfter;
    }

    /** Resolves every stuck action it can; with {@code dryRun} only says what it would do. */
    public List<Resolution> resolve(boolean dryRun, PrintStream out) {
        long before = clock.millis() - stuckAfter.toMillis();
        List<Resolution> done = new ArrayList<>();
        for (Action a : actionLog.unfinished()) {
            if (a.createdAtMs() > before) {
                continue;
            }
            String outcome = resolve(a, dryRun);
            if (dryRun) {
                out.printf("would finish stuck action %d (%s %s, %s since %d): %s%n", a.id(), a.instance(),
                        a.change().describe(), a.status().wireName(), a.createdAtMs() / 1000, outcome);
            }
            done.add(new Resolution(a.id(), outcome));
        }
        return done;
    }

    private String resolve(Action a, boolean dryRun) {
        if (a.operation() == null) {
            return failed(a, "never sent: no operation after " + stuckAfter.toMinutes() + "m", dryRun);
        }
        InstanceApiClient.OperationState op;
        try {
            op = instanceApi.operation(a.operation());
        } catch (CommandException e) {
            if (e.status() == 404) {
                return failed(a, "operation " + a.operation() + " unknown to the instance API", dryRun);
            }
            log.warn("Stuck action {}: cannot ask the instance API about operation {} now: {}", a.id(),
                    a.operation(), e.getMessage());
            return "left: instance API did not answer";
        }
        if (op.result() instanceof ResizeResult.NeedsRestart restart) {
            // Finishing it would free the lock of a change the VM does not have yet: the next crossing would fire
            // again. It waits like any such action, and turns succeeded once the VM shows the size.
            return dryRun ? "needs_restart" : outcome(a, "needs_restart",
                    actionLog.needsRestart(a.id(), restart.note() + FOUND_BY) ? Optional.of(a.id()) : Optional.empty());
        }
        if (op.result() instanceof ResizeResult.Failed failed) {
            return failed(a, failed.error() == null ? "operation failed" : failed.error(), dryRun);
        }
        if (op.result() instanceof ResizeResult.Applied) {
            return dryRun ? "succeeded" : outcome(a, "succeeded", finisher.succeeded(a));
        }
        return "left: operation " + a.operation() + " is still " + op.status();
    }

    private String failed(Action a, String error, boolean dryRun) {
        String outcome = "failed: " + error;
        return dryRun ? outcome
                : outcome(a, outcome, finisher.failed(a, error + FOUND_BY, AlertKind.COMMAND_FAILED));
    }

    private static String outcome(Action a, String outcome, Optional<Long> finished) {
        if (finished.isEmpty()) {
            return "already finished";
        }
        log.info("Finished stuck action {} ({} {}, rule {}) as {}", a.id(), a.instance(), a.change().describe(),
                a.rule(), outcome);
        return outcome;
    }
}
