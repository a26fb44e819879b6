package io.scalemanager.queue;

import io.scalemanager.core.state.Event;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The collector's side of a distributed queue: hands events that are committed to the EventLog on to the
 * managers. Events of one instance keep the order in which they were published.
 */
public interface EventPublisher extends AutoCloseable {

    /**
     * Sends the events. The future completes when the queue holds all of them durably, or exceptionally with a
     * {@link QueueUnavailableException} when it could not take them within its send timeout.
     */
    CompletableFuture<Void> publish(List<Event> events);

    /** False while the queue is known to be unreachable (for readiness). */
    boolean available();

    @Override
    void close();
}
