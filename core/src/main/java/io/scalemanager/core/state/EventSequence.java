package io.scalemanager.core.state;

import java.time.Clock;

/**
 * Hands out strictly increasing event sequence numbers that encode the arrival time in epoch microseconds.
 * One instance per writer; not thread-safe on purpose (the writer is a single thread).
 */
public final class EventSequence {
    private final Clock clock;
    private long last;

    public EventSequence(Clock clock, long lastIssued) {
        this.clock = clock;
        this.last = lastIssued;
    }

    public long next() {
        long candidate = clock.millis() * 1000;
        last = Math.max(last + 1, candidate);
        return last;
    }

    /** The first sequence number that can have arrived at or after the given epoch millisecond. */
    public static long firstAt(long epochMs) {
        return epochMs * 1000;
    }
}
