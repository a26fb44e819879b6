package io.scalemanager.core.state;

/**
 * A state once it is durably in the EventLog. The sequence number orders events, is unique, and encodes the
 * arrival time (see {@link EventSequence}), so the distance between it and the clock is the age of the event.
 */
public record Event(long seq, State state) {

    public String instance() {
        return state.instance();
    }

    /** Arrival time of the event in epoch milliseconds. */
    public long arrivedAtMs() {
        return EventSequence.arrivalMs(seq);
    }
}
