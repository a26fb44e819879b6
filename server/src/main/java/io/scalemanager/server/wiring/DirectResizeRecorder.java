package io.scalemanager.server.wiring;

import io.scalemanager.instanceapi.operation.Operation;
import io.scalemanager.instanceapi.operation.OperationListener;
import io.scalemanager.core.operation.OperationStatus;
import io.scalemanager.instanceapi.operation.Requester;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.actionlog.ActionStatus;
import io.scalemanager.manager.command.CommandExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Records resizes asked of the instance API directly (not a manager's command) in the ActionLog as rule
 * {@code api}, with who asked and from where, so /v1/actions shows every resize. The action is written running
 * when the operation is accepted and finished with it; one left running by a restart is finished by a manager,
 * which polls its operation as it does for its own actions.
 */
final class DirectResizeRecorder implements OperationListener {
    private static final Logger log = LoggerFactory.getLogger(DirectResizeRecorder.class);
    private final ActionLog actionLog;
    private final Map<String, Long> actionOfOperation = new ConcurrentHashMap<>();
    private final Consumer<Operation> resized;

    DirectResizeRecorder(ActionLog actionLog) {
        this(actionLog, op -> { });
    }

    /**
     * @param resized told of every operation that ended, a manager's command or not (in the all-in-one: the
     *                fleet views' cached size of the instance is out of date)
     */
    DirectResizeRecorder(ActionLog actionLog, Consumer<Operation> resized) {
        this.actionLog = actionLog;
        this.resized = resized;
    }

    @Override
    public void accepted(Operation op, Requester requester) {
        String key = op.idempotencyKey();
        if (key != null && key.startsWith(CommandExecutor.IDEMPOTENCY_KEY_PREFIX)) {
            return; // a manager's command: its rule's action is already in the ActionLog
        }
        long id = actionLog.recordDirect(op.instance(), op.change(), "resized directly through the instance API by "
                + requester + " (operation " + op.id() + ")", op.id(), op.from(), op.to(), op.createdAt(),
                requester.toString());
        actionOfOperation.put(op.id(), id);
        log.info("{}: {} {} → {} (rule {}: asked by {}, operation {})", op.instance(), op.component(), op.from(),
                op.to(), ActionLog.DIRECT_RULE, requester, op.id());
    }

    @Override
    public void finished(Operation op) {
        resized.accept(op);
        Long id = actionOfOperation.remove(op.id());
        if (id != null) {
            actionLog.finish(id, op.status() == OperationStatus.SUCCEEDED ? ActionStatus.SUCCEEDED
                    : ActionStatus.FAILED, op.error());
        }
    }
}
