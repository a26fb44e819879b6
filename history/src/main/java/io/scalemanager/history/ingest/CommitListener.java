package io.scalemanager.history.ingest;

import io.scalemanager.core.state.Event;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Told about every group of events right after it is committed, in commit order: the queue listens here. The
 * writer answers the group's requests when the returned future completes, and answers them as unavailable when
 * it fails, so with a distributed queue a 202 means the events are in the EventLog and in the queue.
 */
@FunctionalInterface
public interface CommitListener {
    CompletableFuture<Void> committed(List<Event> events);

    /**
     * For a queue whose durable log is the EventLog itself (the embedded queue): committed events are safe, since
     * the queue replays them from the EventLog after a restart, so a failed hand-over is logged and the requests
     * still succeed.
     */
    static CommitListener replayedFromEventLog(Consumer<List<Event>> queue) {
        return events -> {
            try {
                queue.accept(events);
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(CommitListener.class).error(
                        "Committed events could not be handed to the queue; it replays them after a restart", e);
            }
            return CompletableFuture.completedFuture(null);
        };
    }
}
