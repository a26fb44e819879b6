package io.scalemanager.queue;

import io.scalemanager.core.state.Event;

import java.util.List;

/**
 * The stream between the collectors and the manager: events of one instance are delivered in the order they
 * were published, each partition on its own thread. Delivery is at least once; consumers make decisions
 * idempotent.
 */
public interface EventQueue extends AutoCloseable {

    /** Hands committed events on. Blocks while the consumers are too far behind (back pressure). */
    void publish(List<Event> events);

    /**
     * Starts delivering to the handler: first what the consumer had not finished before the last stop, then
     * live events. Returns once the replay is queued, so publishing may begin.
     */
    void start(EventHandler handler);

    /** How long the oldest undelivered event has waited, in milliseconds; 0 when the consumers keep up. */
    long lagMillis();

    /** Stops accepting, lets the consumers finish what is queued (bounded), records their positions. */
    @Override
    void close();
}
