package io.scalemanager.core.state;

import java.time.Clock;

/**
 * Hands out strictly increasing event sequence numbers that encode the arrival time and the writer:
 * {@code epochMicros * 64 + writerId}. Several collectors write to one EventLog in a distributed deployment;
 * each has its own writer id (0–63), so their numbers never collide, and the number still tells when an event
 * arrived, to the microsecond. One instance per writer; not thread-safe on purpose (the writer is one thread).
 */
public final class EventSequence {
    /** How many writers can share one EventLog. */
    public static final int WRITERS = 64;

    private final Clock clock;
    private final int writerId;
    private long last;

    /**
     * @param lastIssued the highest sequence number in the EventLog (of any writer): new ones are above it
     */
    public EventSequence(Clock clock, long lastIssued, int writerId) {
        if (writerId < 0 || writerId >= WRITERS) {
            throw new IllegalArgumentException("writer id must be 0–" + (WRITERS - 1) + ", got " + writerId);
        }
        this.clock = clock;
        this.writerId = writerId;
        this.last = lastIssued;
    }

    public long next() {
        long micros = Math.max(clock.millis() * 1000, last / WRITERS + (last % WRITERS >= writerId ? 1 : 0));
        last = micros * WRITERS + writerId;
        return last;
    }

    /** The first sequence number that can have arrived at or after the given epoch millisecond. */
    public static long firstAt(long epochMs) {
        return epochMs * 1000 * WRITERS;
    }

    /** The arrival time, in epoch milliseconds, that a sequence number encodes. */
    public static long arrivalMs(long seq) {
        return seq / (1000L * WRITERS);
    }
}
