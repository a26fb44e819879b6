package io.scalemanager.cleaner.stuck;

import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLocks;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.actionlog.ActionStatus;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.alert.Severity;
import io.scalemanager.manager.command.CommandException;
import io.scalemanager.manager.command.InstanceApiClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Finishes actions left pending or running longer than {@code stuckAfter} (a manager that died, an answer that
 * never came): asks the instance API how their operation ended and finishes them so, which turns their lock into
 * a cooldown. An action never sent (no operation) failed; a failure raises a {@code command_failed} alert. An
 * operation still in progress, or an instance API that cannot answer now, is left for the next run.
 */
public final class StuckActions {
    private static final Logger log = LoggerFactory.getLogger(StuckActions.class);

    /** What became of one stuck action. */
    public record Resolution(long actionId, String outcome) {
    }

    private final ActionLog actionLog;
    private final AlertLog alerts;
    private final InstanceApiClient instanceApi;
    private final ActionLocks locks;
    private final Clock clock;
    private final Duration stuckAfter;

    public StuckActions(ActionLog actionLog, AlertLog alerts, InstanceApiClient instanceApi, ActionLocks locks,
                        Clock clock, Duration stuckAfter) {
        this.actionLog = actionLog;
        this.alerts = alerts;
        this.instanceApi = instanceApi;
        this.locks = locks;
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
            return finish(a, ActionStatus.FAILED, "never sent: no operation after " + stuckAfter.toMinutes()
                    + "m", dryRun);
        }
        InstanceApiClient.OperationState op;
        try {
            op = instanceApi.operation(a.operation());
        } catch (CommandException e) {
            if (e.status() == 404) {
                return finish(a, ActionStatus.FAILED, "operation " + a.operation() + " unknown to the instance API",
                        dryRun);
            }
            log.warn("Stuck action {}: cannot ask the instance API about operation {} now: {}", a.id(),
                    a.operation(), e.getMessage());
            return "left: instance API did not answer";
        }
        return switch (op.status()) {
            case "succeeded" -> finish(a, ActionStatus.SUCCEEDED, null, dryRun);
            case "failed" -> finish(a, ActionStatus.FAILED, op.error() == null ? "operation failed" : op.error(),
                    dryRun);
            default -> "left: operation " + a.operation() + " is still " + op.status();
        };
    }

    private String finish(Action a, ActionStatus status, String error, boolean dryRun) {
        String outcome = status.wireName() + (error == null ? "" : ": " + error);
        if (dryRun) {
            return outcome;
        }
        var until = actionLog.finish(a.id(), status, error);
        if (until.isEmpty()) {
            return "already finished";
        }
        locks.remember(a.instance(), a.change().component(), until.get(), clock.millis());
        log.info("Finished stuck action {} ({} {}, rule {}) as {}", a.id(), a.instance(), a.change().describe(),
                a.rule(), outcome);
        if (status == ActionStatus.SUCCEEDED) {
            // As when the manager finishes it: the rule works again on this instance, so its alerts have cleared.
            try {
                for (String kind : new String[] {"command_failed", "limit_reached", "nothing_to_change"}) {
                    alerts.resolve(a.instance(), a.rule(), kind);
                }
            } catch (RuntimeException e) {
                log.warn("Could not resolve the alerts of rule {} on {}: {}", a.rule(), a.instance(), e.getMessage());
            }
        }
        if (status == ActionStatus.FAILED) {
            String message = String.format("%s: %s (rule %s: %s) was not carried out: %s (found stuck by the "
                    + "cleaner)", a.instance(), a.change().describe(), a.rule(), a.reason(), error);
            try {
                alerts.raise(Severity.CRITICAL, a.instance(), a.rule(), "command_failed", message);
            } catch (RuntimeException e) {
                log.error("Could not record alert: {}", message, e);
            }
        }
        return outcome;
    }
}
