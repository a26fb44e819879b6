package io.scalemanager.queue;

import io.scalemanager.core.state.Event;

/** The consumer of the queue: the manager. */
@FunctionalInterface
public interface EventHandler {

    /**
     * Called once per event, in order per instance, on the thread of its partition. When this returns, the
     * decision about the event is durable; if it throws, the same event is offered again after a pause.
     */
    void handle(int partition, Event event);
}
