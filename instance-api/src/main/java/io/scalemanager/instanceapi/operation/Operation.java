package io.scalemanager.instanceapi.operation;

import io.scalemanager.core.operation.OperationStatus;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.instanceapi.provider.Provider;

/**
 * One resize the instance API accepted: the change as requested, the component's size before ({@code from}) and
 * the absolute size it is set to ({@code to}), and how far it got. Times are epoch milliseconds.
 *
 * @param error          why it failed; null unless failed
 * @param idempotencyKey the client's {@code Idempotency-Key}, or null
 * @param startedAt      null while pending
 * @param finishedAt     null until succeeded or failed
 * @param note           how a succeeded change took effect, as the provider said ("live", "needs a restart"), or null
 * @param restart        whether the change may be one that takes effect at the instance's next restart
 */
public record Operation(String id, String instance, Component component, ChangeMode mode, double value, long from,
                        long to, OperationStatus status, String error, String idempotencyKey, long createdAt,
                        Long startedAt, Long finishedAt, String note, RestartPolicy restart) {

    /** The change succeeded but takes effect at the instance's next restart ({@link Provider#NEEDS_RESTART}). */
    public boolean needsRestart() {
        return status == OperationStatus.SUCCEEDED && note != null && note.startsWith(Provider.NEEDS_RESTART);
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
                idempotencyKey, createdAt, startedAt == null ? now : startedAt, null, null, restart);
    }

    Operation succeeded(long now) {
        return succeeded(now, null);
    }

    Operation succeeded(long now, String how) {
        return new Operation(id, instance, component, mode, value, from, to, OperationStatus.SUCCEEDED, null,
                idempotencyKey, createdAt, startedAt == null ? now : startedAt, now, how, restart);
    }

    Operation failed(long now, String why) {
        return new Operation(id, instance, component, mode, value, from, to, OperationStatus.FAILED, why,
                idempotencyKey, createdAt, startedAt == null ? now : startedAt, now, null, restart);
    }
}
