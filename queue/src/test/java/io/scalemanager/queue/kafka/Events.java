package io.scalemanager.queue.kafka;

import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.state.State;

import java.util.ArrayList;
import java.util.List;

/** Test events with increasing sequence numbers that encode the current time, as the EventLog's do. */
final class Events {
    private long nextSeq = EventSequence.firstAt(System.currentTimeMillis());

    /** {@code rounds} events for each of {@code instances} instances, interleaved: i0, i1, ..., i0, i1, ... */
    List<Event> interleaved(String prefix, int instances, int rounds) {
        List<Event> events = new ArrayList<>(instances * rounds);
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < instances; i++) {
                events.add(next(prefix + "-" + i, r));
            }
        }
        return events;
    }

    Event next(String instance, double value) {
        nextSeq = Math.max(nextSeq + 1, EventSequence.firstAt(System.currentTimeMillis()));
        return new Event(nextSeq, new State(instance, "load", value, EventSequence.arrivalMs(nextSeq)));
    }
}
