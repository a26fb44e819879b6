package io.scalemanager.instanceapi.operation;

import io.scalemanager.core.operation.OperationStatus;
import io.scalemanager.core.operation.ResizeResult;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.RestartPolicy;

/**
 * One resize the instance API accepted: the change as requested, the component's size before ({@code from}) and
 * the absolute size it is set to ({@code to}), and how far it got. Times are epoch milliseconds.
 *
 * @param result         how it ended (applied, needs a restart, failed); null while pending or running
 * @param idempotencyKey the client's {@code Idempotency-Key}, or null
 * @param startedAt      null while pending
 * @param finishedAt     null until succeeded or failed
 * @param restart        whether the change may be one that takes effect at the instance's next restart
 */
public record Operation(String id, String instance, Component component, ChangeMode mode, double value, long from,
                        long to, OperationStatus status, ResizeResult result, String idempotencyKey, long createdAt,
                        Long startedAt, Long finishedAt, RestartPolicy restart) {

    public Operation {
        if (status.isFinished() != (result != null)
                || (result != null && (status == OperationStatus.FAILED) != (result instanceof ResizeResult.Failed))) {
            throw new IllegalArgumentException("operation " + id + " is " + status.wireName() + " with result " + result);
        }
    }

    /** The change succeeded but takes effect at the instance's next restart. */
    public boolean needsRestart() {
        return result instanceof ResizeResult.NeedsRestart;
    }

    /** Why it failed; null unless failed. */
    public String error() {
        return result instanceof ResizeResult.Failed f ? f.error() : null;
    }

    /** How a succeeded change took effect, as the provider said ("live", "config only, needs a restart: ..."), or null. */
    public String note() {
        return result instanceof ResizeResult.Made m ? m.note() : null;
    }

    public Change change() {
        return new Change(component, mode, value);
    }

    /** True when this operation was created for the same instance and change. */
    public boolean isFor(String otherInstance, Change otherChange) {
        return instance.equals(otherInstance) && change().equals(otherChange);
    }

    Operation running(long now) {
        return new Operation(id, instance, component, mode, value, from, to, OperationStatus.RUNNING, null,
                idempotencyKey, createdAt, startedAt == null ? now : startedAt, null, restart);
    }

    /** Ended as the provider answered, or failed. */
    Operation ended(long now, ResizeResult how) {
        return new Operation(id, instance, component, mode, value, from, to,
                how instanceof ResizeResult.Failed ? OperationStatus.FAILED : OperationStatus.SUCCEEDED, how,
                idempotencyKey, createdAt, startedAt == null ? now : startedAt, now, restart);
    }
}
